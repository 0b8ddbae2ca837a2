// Next/Previous fire instants, including DST transitions in Europe/Oslo,
// America/New_York and Australia/Lord_Howe (30-minute shift). Instants are
// written as ISO-8601 with the zone's offset so failures read as wall time.
#include "cron/cron.h"

#include <date/tz.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <sstream>

namespace tributary {
namespace {

using std::chrono::seconds;

// Parses "2026-03-29T03:30:00+02:00" (the offset is required).
TimePoint At(const std::string& iso) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, oh = 0, om = 0;
  char sign = '+';
  int n = std::sscanf(iso.c_str(), "%d-%d-%dT%d:%d:%d%c%d:%d", &y, &mo, &d, &h, &mi, &s, &sign, &oh,
                      &om);
  EXPECT_EQ(n, 9) << "bad ISO instant in test: " << iso;
  auto local = date::sys_days{date::year{y} / mo / d} + std::chrono::hours(h) +
               std::chrono::minutes(mi) + seconds(s);
  auto offset = std::chrono::hours(oh) + std::chrono::minutes(om);
  return TimePoint(sign == '-' ? local + offset : local - offset);
}

std::string Iso(std::optional<TimePoint> t, const std::string& zone) {
  if (!t) return "none";
  return date::format("%FT%T%Ez", date::zoned_seconds(zone, date::floor<seconds>(*t)));
}

struct NextCase {
  const char* expression;
  const char* zone;
  const char* after;
  const char* expected;  // "none" when there is no next fire
};

void ExpectNext(const NextCase& c) {
  const CronSchedule s = CronSchedule::Parse(c.expression, c.zone);
  EXPECT_EQ(Iso(s.Next(At(c.after)), c.zone), c.expected)
      << c.expression << " in " << c.zone << " after " << c.after;
}

TEST(CronNextTest, Fields) {
  const NextCase cases[] = {
      {"0 0/5 * * * ?", "UTC", "2026-05-13T10:02:30+00:00", "2026-05-13T10:05:00+00:00"},
      {"0 0/5 * * * ?", "UTC", "2026-05-13T10:05:00+00:00", "2026-05-13T10:10:00+00:00"},
      {"0 0/5 * * * ?", "UTC", "2026-12-31T23:58:00+00:00", "2027-01-01T00:00:00+00:00"},
      {"*/10 * * * * ?", "UTC", "2026-12-31T23:59:55+00:00", "2027-01-01T00:00:00+00:00"},
      {"0 3-59/15 * * * ?", "UTC", "2026-05-13T10:50:00+00:00", "2026-05-13T11:03:00+00:00"},
      {"0 5/15 * * * ?", "UTC", "2026-05-13T10:50:00+00:00", "2026-05-13T11:05:00+00:00"},
      {"0 0 0 1 1 ?", "UTC", "2026-06-01T00:00:00+00:00", "2027-01-01T00:00:00+00:00"},
      {"0 0 22-2 * * ?", "UTC", "2026-05-13T02:30:00+00:00", "2026-05-13T22:00:00+00:00"},
      {"0 0 22-2 * * ?", "UTC", "2026-05-13T23:30:00+00:00", "2026-05-14T00:00:00+00:00"},
      {"0 0 6 ? * MON-FRI", "UTC", "2026-05-15T07:00:00+00:00", "2026-05-18T06:00:00+00:00"},
      {"0 15 10 ? * FRI-MON", "UTC", "2026-05-18T11:00:00+00:00", "2026-05-22T10:15:00+00:00"},
      {"0 0 6 ? * L", "UTC", "2026-01-01T00:00:00+00:00", "2026-01-03T06:00:00+00:00"},
      {"0 15 10 L * ?", "UTC", "2026-02-01T00:00:00+00:00", "2026-02-28T10:15:00+00:00"},
      {"0 15 10 L-3 * ?", "UTC", "2026-02-01T00:00:00+00:00", "2026-02-25T10:15:00+00:00"},
      {"0 0 12 LW * ?", "UTC", "2026-05-01T00:00:00+00:00", "2026-05-29T12:00:00+00:00"},
      {"0 0 12 LW * ?", "UTC", "2026-01-01T00:00:00+00:00", "2026-01-30T12:00:00+00:00"},
      {"0 0 12 15W * ?", "UTC", "2026-08-01T00:00:00+00:00", "2026-08-14T12:00:00+00:00"},
      {"0 0 12 1W * ?", "UTC", "2026-07-31T00:00:00+00:00", "2026-08-03T12:00:00+00:00"},
      {"0 0 12 31W * ?", "UTC", "2026-04-01T00:00:00+00:00", "2026-05-29T12:00:00+00:00"},
      {"0 0 12 ? * 6#3", "UTC", "2026-03-01T00:00:00+00:00", "2026-03-20T12:00:00+00:00"},
      {"0 0 12 ? * 6L", "UTC", "2026-05-01T00:00:00+00:00", "2026-05-29T12:00:00+00:00"},
      {"0 0 12 ? * 2#5", "UTC", "2026-01-01T00:00:00+00:00", "2026-03-30T12:00:00+00:00"},
      {"0 0 5 29 2 ?", "UTC", "2026-01-01T00:00:00+00:00", "2028-02-29T05:00:00+00:00"},
      {"0 30 2 31 * ?", "UTC", "2026-04-01T00:00:00+00:00", "2026-05-31T02:30:00+00:00"},
      {"0 0 0 1 7/6 ?", "UTC", "2026-08-01T00:00:00+00:00", "2027-07-01T00:00:00+00:00"},
      {"0 0 0 * * ? 2030", "UTC", "2026-05-01T00:00:00+00:00", "2030-01-01T00:00:00+00:00"},
      {"0 0 0 * * ? 2020", "UTC", "2026-05-01T00:00:00+00:00", "none"},
      {"0 0 0 31 12 ? 2099", "UTC", "2099-12-31T00:00:00+00:00", "none"},
      {"0 0 6 * * ?", "Europe/Oslo", "2026-01-10T00:00:00+01:00", "2026-01-10T06:00:00+01:00"},
      {"0 0 6 * * ?", "Europe/Oslo", "2026-07-10T06:00:00+02:00", "2026-07-11T06:00:00+02:00"},
  };
  for (const NextCase& c : cases) ExpectNext(c);
}

TEST(CronNextTest, SubSecondAfterStillStrictlyAfter) {
  const CronSchedule s = CronSchedule::Parse("* * * * * ?", "UTC");
  const TimePoint t = At("2026-05-13T10:00:00+00:00") + std::chrono::milliseconds(500);
  EXPECT_EQ(Iso(s.Next(t), "UTC"), "2026-05-13T10:00:01+00:00");
  EXPECT_EQ(Iso(s.Previous(t), "UTC"), "2026-05-13T10:00:00+00:00");
}

// Spring forward: a wall time in the gap fires shifted by the gap length.
TEST(CronNextTest, SpringForwardShiftsGapTimes) {
  const NextCase cases[] = {
      {"0 30 2 * * ?", "Europe/Oslo", "2026-03-29T00:00:00+01:00", "2026-03-29T03:30:00+02:00"},
      {"0 30 2 * * ?", "Europe/Oslo", "2026-03-29T03:10:00+02:00", "2026-03-29T03:30:00+02:00"},
      {"0 30 2 * * ?", "Europe/Oslo", "2026-03-29T03:30:00+02:00", "2026-03-30T02:30:00+02:00"},
      {"0 0 3 * * ?", "Europe/Oslo", "2026-03-29T00:00:00+01:00", "2026-03-29T03:00:00+02:00"},
      {"0 0/15 * * * ?", "Europe/Oslo", "2026-03-29T01:45:00+01:00", "2026-03-29T03:00:00+02:00"},
      {"0 0/15 * * * ?", "Europe/Oslo", "2026-03-29T03:00:00+02:00", "2026-03-29T03:15:00+02:00"},
      {"0 30 * * * ?", "Europe/Oslo", "2026-03-29T01:30:00+01:00", "2026-03-29T03:30:00+02:00"},
      {"0 30 2 * * ?", "America/New_York", "2026-03-08T00:00:00-05:00",
       "2026-03-08T03:30:00-04:00"},
      {"0 0 2 * * ?", "America/New_York", "2026-03-08T00:00:00-05:00", "2026-03-08T03:00:00-04:00"},
      {"0 15 2 * * ?", "Australia/Lord_Howe", "2026-10-04T00:00:00+10:30",
       "2026-10-04T02:45:00+11:00"},
      // 02:15 (in the 30-minute gap) fires at 02:45 +11:00, after 02:35 does.
      {"0 15,35 2 * * ?", "Australia/Lord_Howe", "2026-10-04T01:50:00+10:30",
       "2026-10-04T02:35:00+11:00"},
      {"0 15,35 2 * * ?", "Australia/Lord_Howe", "2026-10-04T02:35:00+11:00",
       "2026-10-04T02:45:00+11:00"},
      {"0 15,35 2 * * ?", "Australia/Lord_Howe", "2026-10-04T02:45:00+11:00",
       "2026-10-05T02:15:00+11:00"},
  };
  for (const NextCase& c : cases) ExpectNext(c);
}

// Fall back: a repeated wall time fires once, at its first occurrence.
TEST(CronNextTest, FallBackFiresFirstOccurrenceOnce) {
  const NextCase cases[] = {
      {"0 30 2 * * ?", "Europe/Oslo", "2026-10-25T00:00:00+02:00", "2026-10-25T02:30:00+02:00"},
      {"0 30 2 * * ?", "Europe/Oslo", "2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00"},
      {"0 0/15 * * * ?", "Europe/Oslo", "2026-10-25T01:50:00+02:00", "2026-10-25T02:00:00+02:00"},
      {"0 0/15 * * * ?", "Europe/Oslo", "2026-10-25T02:45:00+02:00", "2026-10-25T03:00:00+01:00"},
      {"0 0/15 * * * ?", "Europe/Oslo", "2026-10-25T02:10:00+01:00", "2026-10-25T03:00:00+01:00"},
      {"0 30 1 * * ?", "America/New_York", "2026-11-01T00:00:00-04:00",
       "2026-11-01T01:30:00-04:00"},
      {"0 30 1 * * ?", "America/New_York", "2026-11-01T01:30:00-04:00",
       "2026-11-02T01:30:00-05:00"},
      {"0 30 1 * * ?", "America/New_York", "2026-11-01T01:10:00-05:00",
       "2026-11-02T01:30:00-05:00"},
      {"0 45 1 * * ?", "Australia/Lord_Howe", "2026-04-05T00:00:00+11:00",
       "2026-04-05T01:45:00+11:00"},
      {"0 45 1 * * ?", "Australia/Lord_Howe", "2026-04-05T01:45:00+11:00",
       "2026-04-06T01:45:00+10:30"},
      {"0 0/15 * * * ?", "Australia/Lord_Howe", "2026-04-05T01:45:00+11:00",
       "2026-04-05T02:00:00+10:30"},
  };
  for (const NextCase& c : cases) ExpectNext(c);
}

TEST(CronPreviousTest, Examples) {
  const auto previous = [](const char* expression, const char* zone, const char* at) {
    return Iso(CronSchedule::Parse(expression, zone).Previous(At(at)), zone);
  };
  EXPECT_EQ(previous("0 0/5 * * * ?", "UTC", "2026-05-13T10:04:59+00:00"),
            "2026-05-13T10:00:00+00:00");
  EXPECT_EQ(previous("0 0/5 * * * ?", "UTC", "2026-05-13T10:05:00+00:00"),
            "2026-05-13T10:05:00+00:00");
  EXPECT_EQ(previous("0 30 2 * * ?", "Europe/Oslo", "2026-03-29T03:40:00+02:00"),
            "2026-03-29T03:30:00+02:00");
  EXPECT_EQ(previous("0 30 2 * * ?", "Europe/Oslo", "2026-10-25T02:40:00+01:00"),
            "2026-10-25T02:30:00+02:00");
  EXPECT_EQ(previous("0 0 5 29 2 ?", "UTC", "2028-02-28T00:00:00+00:00"),
            "2024-02-29T05:00:00+00:00");
  EXPECT_EQ(previous("0 0 0 * * ? 2020", "UTC", "2026-05-01T00:00:00+00:00"),
            "2020-12-31T00:00:00+00:00");
  EXPECT_EQ(previous("0 0 0 * * ? 2030", "UTC", "2026-05-01T00:00:00+00:00"), "none");
}

TEST(CronPerformanceTest, SparseExpressionsAreFast) {
  const CronSchedule feb29 = CronSchedule::Parse("0 0 5 29 2 ?", "Europe/Oslo");
  const CronSchedule fifth_monday = CronSchedule::Parse("0 0 12 ? * 2#5", "America/New_York");
  const auto start = std::chrono::steady_clock::now();
  TimePoint t = At("1971-01-01T00:00:00+00:00");
  int count = 0;
  while (auto next = feb29.Next(t)) t = *next, ++count;
  EXPECT_EQ(count, 32);  // 1972, 1976, ..., 2096
  EXPECT_TRUE(feb29.Previous(At("2099-12-31T00:00:00+00:00")).has_value());
  for (int i = 0; i < 100; ++i) {
    fifth_monday.Previous(At("2026-05-13T00:00:00+00:00") + date::days(i * 10));
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

// Next and Previous describe the same set of instants: for any t,
// Previous(t) <= t < Next(t), nothing fires between them, and each is a fire.
TEST(CronPreviousTest, ConsistentWithNext) {
  const char* expressions[] = {"0 0/15 * * * ?", "0 30 2 * * ?",          "0 15,35 2 * * ?",
                               "0 0 12 LW * ?",  "0 0 6 ? * 6#3",         "*/20 * 1-3 * * ?",
                               "0 45 1 * * ?",   "0 0 0 29 2 ? 2024-2032"};
  const char* zones[] = {"UTC", "Europe/Oslo", "America/New_York", "Australia/Lord_Howe"};
  const TimePoint transitions[] = {
      At("2026-03-29T01:00:00+00:00"), At("2026-10-25T01:00:00+00:00"),
      At("2026-03-08T07:00:00+00:00"), At("2026-11-01T06:00:00+00:00"),
      At("2026-04-04T15:00:00+00:00"), At("2026-10-03T15:30:00+00:00")};
  std::mt19937_64 random(42);
  std::uniform_int_distribution<int> near(-3 * 3600, 3 * 3600);
  std::uniform_int_distribution<long> anywhere(0, 10L * 365 * 86400);
  for (const char* expression : expressions) {
    for (const char* zone : zones) {
      const CronSchedule s = CronSchedule::Parse(expression, zone);
      for (int i = 0; i < 60; ++i) {
        const TimePoint t = i % 2 == 0
                                ? transitions[i / 2 % 6] + seconds(near(random))
                                : At("2022-01-01T00:00:00+00:00") + seconds(anywhere(random));
        const auto previous = s.Previous(t);
        const auto next = s.Next(t);
        const std::string where = std::string(expression) + " in " + zone + " at " + Iso(t, zone);
        ASSERT_TRUE(next.has_value()) << where;
        EXPECT_GT(*next, t) << where;
        EXPECT_EQ(s.Previous(*next), next) << where;
        if (previous) {
          EXPECT_LE(*previous, t) << where;
          EXPECT_EQ(s.Next(*previous), next) << where;
        }
      }
    }
  }
}

TEST(CronFormatTest, FormatsWallTimeZoneAndOffset) {
  EXPECT_EQ(FormatInstant(At("2026-03-29T01:30:00+00:00"), "Europe/Oslo"),
            "2026-03-29 03:30:00 CEST (+02:00)");
  EXPECT_EQ(FormatInstant(At("2026-01-01T00:00:00+00:00"), "UTC"),
            "2026-01-01 00:00:00 UTC (+00:00)");
  EXPECT_EQ(FormatInstant(At("2026-11-01T06:30:00+00:00"), "America/New_York"),
            "2026-11-01 01:30:00 EST (-05:00)");
  EXPECT_THROW(FormatInstant(TimePoint{}, "Mars/Olympus"), CronError);
}

}  // namespace
}  // namespace tributary
