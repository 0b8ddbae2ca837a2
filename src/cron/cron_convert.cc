// Both targets are written from the parsed value sets, not by editing the
// text: whatever spelling the Quartz expression used (names, wrapping ranges,
// 5/15 steps), the output lists exactly the same values.
#include "cron/cron_convert.h"

#include <fmt/format.h>

#include <vector>

#include "cron/cron_fields.h"

namespace tributary {
namespace {

using cron::CronFields;
using cron::FieldIndex;
using cron::kFieldSpecs;

struct Style {
  const char* range;  // "-" for cron, ".." for systemd
  int width;          // zero padding of numbers
};

std::vector<int> Values(const CronFields& f, FieldIndex index) {
  std::vector<int> out;
  for (int v = kFieldSpecs[index].min; v <= kFieldSpecs[index].max; ++v) {
    if (f.Has(index, v)) out.push_back(v);
  }
  return out;
}

bool All(const CronFields& f, FieldIndex index) {
  return static_cast<int>(Values(f, index).size()) ==
         kFieldSpecs[index].max - kFieldSpecs[index].min + 1;
}

// "1,3,5-9": runs of three or more consecutive values become ranges.
std::string Runs(const std::vector<int>& v, const Style& style) {
  std::string out;
  for (size_t i = 0; i < v.size();) {
    size_t j = i;
    while (j + 1 < v.size() && v[j + 1] == v[j] + 1) ++j;
    std::string first = fmt::format("{:0{}}", v[i], style.width);
    if (!out.empty()) out += ",";
    if (j - i >= 2) {
      out += first + style.range + fmt::format("{:0{}}", v[j], style.width);
    } else {
      out += first;
      if (j > i) out += fmt::format(",{:0{}}", v[j], style.width);
    }
    i = j + 1;
  }
  return out;
}

// The step k when `v` is start, start+k, … up to the last value that fits
// in [.., max]; 0 otherwise.
int Step(const std::vector<int>& v, int max) {
  if (v.size() < 3) return 0;
  int k = v[1] - v[0];
  for (size_t i = 2; i < v.size(); ++i) {
    if (v[i] - v[i - 1] != k) return 0;
  }
  return v.back() + k > max ? k : 0;
}

std::string CronField(const CronFields& f, FieldIndex index, int shift = 0) {
  if (All(f, index)) return "*";
  std::vector<int> v = Values(f, index);
  for (int& x : v) x += shift;
  int min = kFieldSpecs[index].min + shift, max = kFieldSpecs[index].max + shift;
  if (int k = Step(v, max); k > 0) {
    return v[0] == min ? fmt::format("*/{}", k) : fmt::format("{}-{}/{}", v[0], max, k);
  }
  return Runs(v, {"-", 0});
}

std::string SystemdField(const CronFields& f, FieldIndex index, int width) {
  if (All(f, index)) return "*";
  std::vector<int> v = Values(f, index);
  if (int k = Step(v, kFieldSpecs[index].max); k > 0) {
    return fmt::format("{:0{}}/{}", v[0], width, k);
  }
  return Runs(v, {"..", width});
}

// Quartz day-of-week values (1 = Sunday) as systemd names, week from Monday.
std::string SystemdWeekdays(const CronFields& f) {
  static const char* kNames[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  std::vector<int> monday_first;  // 0 = Monday … 6 = Sunday
  for (int d = 0; d < 7; ++d) {
    if (f.Has(cron::kDayOfWeek, (d + 1) % 7 + 1)) monday_first.push_back(d);
  }
  std::string out;
  for (size_t i = 0; i < monday_first.size();) {
    size_t j = i;
    while (j + 1 < monday_first.size() && monday_first[j + 1] == monday_first[j] + 1) ++j;
    auto name = [&](size_t at) { return kNames[(monday_first[at] + 1) % 7]; };
    out += (out.empty() ? "" : ",") + std::string(name(i));
    if (j > i) out += std::string(j - i >= 2 ? ".." : ",") + name(j);
    i = j + 1;
  }
  return out;
}

CronConversion Refuse(std::string why) { return {"", std::move(why)}; }

}  // namespace

CronConversion ToFiveFieldCron(std::string_view quartz) {
  const CronFields f = cron::ParseCronFields(quartz);
  std::vector<int> seconds = Values(f, cron::kSecond);
  if (seconds != std::vector<int>{0}) {
    return Refuse("it fires at seconds other than :00, and 5-field cron fires at :00 only");
  }
  if (!All(f, cron::kYear)) return Refuse("it has a year field, which 5-field cron lacks");
  if (!f.dom_before_last.empty() || !f.dom_before_last_weekday.empty()) {
    return Refuse("'L' (last day of the month) has no 5-field cron equivalent");
  }
  if (!f.dom_nearest_weekday.empty()) {
    return Refuse("'W' (nearest weekday) has no 5-field cron equivalent");
  }
  if (f.dow_nth != 0 || f.dow_last) {
    return Refuse(
        "'#' and 'L' in day-of-week (nth or last weekday of the month) have no 5-field cron "
        "equivalent: day-of-month and day-of-week combine with OR there");
  }
  std::string dom = f.dom_unspecified ? "*" : CronField(f, cron::kDayOfMonth);
  std::string dow = f.dow_unspecified ? "*" : CronField(f, cron::kDayOfWeek, -1);
  return {fmt::format("{} {} {} {} {}", CronField(f, cron::kMinute), CronField(f, cron::kHour), dom,
                      CronField(f, cron::kMonth), dow),
          ""};
}

CronConversion ToSystemdCalendar(std::string_view quartz, std::string_view timezone) {
  const CronFields f = cron::ParseCronFields(quartz);
  if (!f.dom_nearest_weekday.empty() || !f.dom_before_last_weekday.empty()) {
    return Refuse("'W' (nearest weekday) has no systemd calendar equivalent");
  }
  std::string weekdays, days = "-*";
  if (!f.dom_before_last.empty()) {
    if (!Values(f, cron::kDayOfMonth).empty()) {
      return Refuse("'L' combined with plain days has no single systemd calendar equivalent");
    }
    std::vector<int> from_end;
    for (int before : f.dom_before_last) from_end.push_back(before + 1);
    std::sort(from_end.begin(), from_end.end());
    days = "~" + Runs(from_end, {"..", 2});
  } else if (!f.dom_unspecified) {
    days = "-" + SystemdField(f, cron::kDayOfMonth, 2);
  } else {
    if (!All(f, cron::kDayOfWeek)) weekdays = SystemdWeekdays(f) + " ";
    if (f.dow_nth != 0) {
      days = fmt::format("-{:02}..{:02}", 7 * (f.dow_nth - 1) + 1, std::min(7 * f.dow_nth, 31));
    } else if (f.dow_last) {
      days = "~01..07";
    }
  }
  return {
      fmt::format("{}{}-{}{} {}:{}:{} {}", weekdays, SystemdField(f, cron::kYear, 4),
                  SystemdField(f, cron::kMonth, 2), days, SystemdField(f, cron::kHour, 2),
                  SystemdField(f, cron::kMinute, 2), SystemdField(f, cron::kSecond, 2), timezone),
      ""};
}

}  // namespace tributary
