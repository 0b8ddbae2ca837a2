// Quartz → 5-field cron and → systemd calendar events: the exact texts, the
// refusals, and two independent checks that a conversion fires when the
// Quartz expression does: a small 5-field cron matcher (vixie-cron rules)
// over 40 days of minutes, and systemd's own `systemd-analyze calendar`.
#include "cron/cron_convert.h"

#include <date/date.h>
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "cron/cron.h"
#include "support/process.h"

namespace tributary {
namespace {

using namespace std::chrono_literals;

struct FiveCase {
  const char* quartz;
  const char* expected;  // converted text, or the start of the refusal
};

TEST(CronConvertTest, FiveFieldCron) {
  const FiveCase cases[] = {
      {"0 0/5 * * * ?", "*/5 * * * *"},
      {"0 0 * * * ?", "0 * * * *"},
      {"0 30 5 ? * MON-FRI", "30 5 * * 1-5"},
      {"0 15 10 ? * FRI-MON", "15 10 * * 0,1,5,6"},
      {"0 0 22-2 * * ?", "0 0-2,22,23 * * *"},
      {"0 5/15 * * * ?", "5-59/15 * * * *"},
      {"0 0 4 1 1/3 ?", "0 4 1 */3 *"},
      {"0 0 6 ? * SUN", "0 6 * * 0"},
      {"0 0 6 ? * L", "0 6 * * 6"},
      {"0 0 0 1,15 * ?", "0 0 1,15 * *"},
      {"0 0,30 8-17 ? JAN-MAR MON,WED", "0,30 8-17 * 1-3 1,3"},
      {"0 0 12 * * ? *", "0 12 * * *"},
      {"30 0 * * * ?", "it fires at seconds other than :00"},
      {"0/30 * * * * ?", "it fires at seconds other than :00"},
      {"0 0 0 * * ? 2030", "it has a year field"},
      {"0 0 5 L * ?", "'L' (last day of the month)"},
      {"0 0 5 L-3 * ?", "'L' (last day of the month)"},
      {"0 0 5 LW * ?", "'L' (last day of the month)"},
      {"0 0 5 15W * ?", "'W' (nearest weekday)"},
      {"0 0 5 ? * 6#3", "'#' and 'L' in day-of-week"},
      {"0 0 5 ? * 6L", "'#' and 'L' in day-of-week"},
  };
  for (const auto& c : cases) {
    CronConversion r = ToFiveFieldCron(c.quartz);
    std::string got = r.ok() ? r.text : r.why_not;
    EXPECT_EQ(got.rfind(c.expected, 0), 0u) << c.quartz << " gave: " << got;
  }
}

TEST(CronConvertTest, SystemdCalendar) {
  const FiveCase cases[] = {
      {"0 0/5 * * * ?", "*-*-* *:00/5:00 UTC"},
      {"0 30 5 ? * MON-FRI", "Mon..Fri *-*-* 05:30:00 UTC"},
      {"0 15 10 ? * FRI-MON", "Mon,Fri..Sun *-*-* 10:15:00 UTC"},
      {"*/10 * * * * ?", "*-*-* *:*:00/10 UTC"},
      {"0 0 0 * * ? 2030", "2030-*-* 00:00:00 UTC"},
      {"0 15 10 L * ?", "*-*~01 10:15:00 UTC"},
      {"0 15 10 L-3 * ?", "*-*~04 10:15:00 UTC"},
      {"0 0 12 ? * 6#3", "Fri *-*-15..21 12:00:00 UTC"},
      {"0 0 12 ? * 2#5", "Mon *-*-29..31 12:00:00 UTC"},
      {"0 0 12 ? * 6L", "Fri *-*~01..07 12:00:00 UTC"},
      {"0 0 4 1 1/3 ?", "*-01/3-01 04:00:00 UTC"},
      {"0 0 5 15W * ?", "'W' (nearest weekday)"},
      {"0 0 5 LW * ?", "'W' (nearest weekday)"},
      {"0 0 5 1,L * ?", "'L' combined with plain days"},
  };
  for (const auto& c : cases) {
    CronConversion r = ToSystemdCalendar(c.quartz, "UTC");
    std::string got = r.ok() ? r.text : r.why_not;
    EXPECT_EQ(got.rfind(c.expected, 0), 0u) << c.quartz << " gave: " << got;
  }
  EXPECT_EQ(ToSystemdCalendar("0 0 5 * * ?", "Europe/Oslo").text, "*-*-* 05:00:00 Europe/Oslo");
}

// One 5-field cron field against a value: *, */k, a, a-b, a-b/k, lists.
bool FieldMatches(const std::string& field, int v) {
  std::stringstream items(field);
  for (std::string item; std::getline(items, item, ',');) {
    int step = 1;
    if (auto slash = item.find('/'); slash != std::string::npos) {
      step = std::stoi(item.substr(slash + 1));
      item = item.substr(0, slash);
    }
    int lo = 0, hi = 99;
    if (item != "*") {
      auto dash = item.find('-');
      lo = std::stoi(item.substr(0, dash));
      hi = dash == std::string::npos ? (step > 1 ? 99 : lo) : std::stoi(item.substr(dash + 1));
    }
    if (v >= lo && v <= hi && (v - (item == "*" ? 0 : lo)) % step == 0) return true;
  }
  return false;
}

// A 5-field cron expression as the values each field allows. Vixie cron:
// day-of-month and day-of-week OR together when both are restricted (neither
// starts with '*').
struct Five {
  explicit Five(const std::string& text) {
    std::stringstream in(text);
    std::string f[5];
    in >> f[0] >> f[1] >> f[2] >> f[3] >> f[4];
    for (int i = 0; i < 5; ++i) {
      for (int v = 0; v < 100; ++v) allowed[i][v] = FieldMatches(f[i], v);
    }
    either_day = f[2][0] != '*' && f[4][0] != '*';
  }
  bool Matches(date::sys_seconds t) const {
    auto day = date::floor<date::days>(t);
    date::year_month_day ymd(day);
    date::hh_mm_ss hms(t - day);
    bool dom = allowed[2][unsigned(ymd.day())];
    bool dow = allowed[4][date::weekday(day).c_encoding()];
    return (either_day ? dom || dow : dom && dow) && allowed[0][hms.minutes().count()] &&
           allowed[1][hms.hours().count()] && allowed[3][unsigned(ymd.month())];
  }
  bool allowed[5][100] = {};
  bool either_day = false;
};

TEST(CronConvertTest, FiveFieldCronFiresExactlyWhenQuartzDoes) {
  const char* expressions[] = {"0 0/5 * * * ?",         "0 30 5 ? * MON-FRI",
                               "0 15 10 ? * FRI-MON",   "0 0 22-2 * * ?",
                               "0 5/15 * * * ?",        "0 0 4 1 1/3 ?",
                               "0 0 6 ? * L",           "0 0 0 1,15 * ?",
                               "0 7/20 3-23/4 ? * 2-6", "0 0,30 8-17 ? JAN-MAR MON,WED"};
  const date::sys_seconds start{date::sys_days{date::year{2026} / 1 / 20}.time_since_epoch()};
  for (const char* quartz : expressions) {
    CronConversion five = ToFiveFieldCron(quartz);
    ASSERT_TRUE(five.ok()) << quartz << ": " << five.why_not;
    auto schedule = CronSchedule::Parse(quartz, "UTC");
    std::set<date::sys_seconds> fires;
    for (auto t = schedule.Next(start); t && *t < start + date::days(40); t = schedule.Next(*t)) {
      fires.insert(date::floor<std::chrono::seconds>(*t));
    }
    const Five cron(five.text);
    int mismatches = 0;
    for (auto t = start + 1min; t < start + date::days(40) && mismatches < 3; t += 1min) {
      if (cron.Matches(t) != (fires.count(t) > 0)) {
        ++mismatches;
        ADD_FAILURE() << quartz << " vs '" << five.text << "' at " << date::format("%F %R", t);
      }
    }
  }
}

// Next `n` elapses after `base` as systemd computes them ("" if unavailable).
std::vector<std::string> SystemdElapses(const std::string& calendar, const std::string& base,
                                        int n) {
  auto r = testing::RunProcess({"systemd-analyze", "calendar", "--iterations=" + std::to_string(n),
                                "--base-time=" + base, calendar},
                               {"TZ=UTC", "SYSTEMD_COLORS=0"});
  std::vector<std::string> out;
  if (r.exit_code != 0) return out;
  std::stringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    auto colon = line.find(": ");
    bool elapse =
        line.find("Next elapse:") != std::string::npos || line.find("Iter. #") != std::string::npos;
    if (elapse && colon != std::string::npos) out.push_back(line.substr(colon + 2));
  }
  return out;
}

TEST(CronConvertTest, SystemdFiresWhenQuartzDoes) {
  if (testing::RunProcess({"systemd-analyze", "--version"}).exit_code != 0) {
    GTEST_SKIP() << "systemd-analyze is not installed; the expected texts above still apply";
  }
  const std::pair<const char*, const char*> cases[] = {
      {"0 0/5 * * * ?", "UTC"},
      {"0 30 5 ? * MON-FRI", "Europe/Oslo"},
      {"0 15 10 ? * FRI-MON", "UTC"},
      {"*/10 * * * * ?", "UTC"},
      {"0 15 10 L-3 * ?", "UTC"},
      {"0 0 12 ? * 6#3", "America/New_York"},
      {"0 0 12 ? * 6L", "UTC"},
      {"0 0 4 1 1/3 ?", "UTC"},
      {"0 0 0 * 2 ? 2028", "UTC"},
      {"0 0 0 ? * 2#5", "UTC"},
      {"0 45 23 L * ?", "Australia/Lord_Howe"},
  };
  const std::string base = "2026-05-01 00:00:00 UTC";  // no DST change in the first weeks
  const TimePoint from = date::sys_days{date::year{2026} / 5 / 1};
  for (const auto& [quartz, zone] : cases) {
    CronConversion calendar = ToSystemdCalendar(quartz, zone);
    ASSERT_TRUE(calendar.ok()) << quartz << ": " << calendar.why_not;
    auto systemd = SystemdElapses(calendar.text, base, 6);
    ASSERT_EQ(systemd.size(), 6u) << "systemd-analyze rejected '" << calendar.text << "'";
    auto schedule = CronSchedule::Parse(quartz, zone);
    TimePoint at = from;
    for (const auto& expected : systemd) {
      at = *schedule.Next(at);
      EXPECT_EQ(date::format("%a %F %T UTC", date::floor<std::chrono::seconds>(at)), expected)
          << quartz << " in " << zone << " as '" << calendar.text << "'";
    }
  }
}

}  // namespace
}  // namespace tributary
