// Differences and containment of Quartz schedules: the exact expressions for
// the cases rule `yield` exports meet, and for each case an independent check
// that the expressions together fire exactly at the instants of A that are
// not instants of B, enumerated with CronSchedule over weeks of time.
#include "cron/cron_difference.h"

#include <gtest/gtest.h>

#include <set>

#include "cron/cron.h"

namespace tributary {
namespace {

using namespace std::chrono_literals;

// Monday 2026-03-02 00:00:00 UTC.
const TimePoint kStart = TimePoint(std::chrono::seconds(1772409600));

std::set<TimePoint> Fires(std::string_view expression, std::chrono::hours span) {
  std::set<TimePoint> out;
  auto schedule = CronSchedule::Parse(expression, "UTC");
  for (auto t = schedule.Next(kStart - 1s); t && *t < kStart + span; t = schedule.Next(*t)) {
    out.insert(*t);
  }
  return out;
}

void ExpectExactDifference(const char* a, const char* b, std::chrono::hours span) {
  CronDifference d = SubtractCron(a, b);
  ASSERT_TRUE(d.ok()) << d.why_not;
  std::set<TimePoint> expected = Fires(a, span);
  for (TimePoint t : Fires(b, span)) expected.erase(t);
  std::set<TimePoint> got;
  for (const auto& e : d.expressions) {
    std::set<TimePoint> part = Fires(e, span);
    for (TimePoint t : part) EXPECT_TRUE(got.insert(t).second) << e << " repeats a fire";
  }
  EXPECT_EQ(got, expected) << a << " minus " << b;
}

TEST(CronDifferenceTest, HourlyMinusDailyIsOneExpression) {
  CronDifference d = SubtractCron("0 0 * * * ?", "0 0 5 * * ?");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.expressions, std::vector<std::string>{"0 0 0-4,6-23 * * ?"});
  ExpectExactDifference("0 0 * * * ?", "0 0 5 * * ?", 24h * 10);
}

TEST(CronDifferenceTest, FiveMinutesMinusHourlyAndMinusDaily) {
  EXPECT_EQ(SubtractCron("0 0/5 * * * ?", "0 0 * * * ?").expressions,
            std::vector<std::string>{"0 5/5 * * * ?"});
  EXPECT_EQ(SubtractCron("0 0/5 * * * ?", "0 0 5 * * ?").expressions,
            (std::vector<std::string>{"0 0/5 0-4,6-23 * * ?", "0 5/5 5 * * ?"}));
  ExpectExactDifference("0 0/5 * * * ?", "0 0 5 * * ?", 24h * 4);
  ExpectExactDifference("0 0/5 * * * ?", "0 0 * * * ?", 24h * 2);
}

TEST(CronDifferenceTest, WeekdaysAndMonthsAreSplitToo) {
  // Hourly every day minus a 06:00 weekday job: weekends keep every hour.
  CronDifference d = SubtractCron("0 0 * * * ?", "0 0 6 ? * MON-FRI");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.expressions, (std::vector<std::string>{"0 0 * ? * 1,7", "0 0 0-5,7-23 ? * 2-6"}));
  ExpectExactDifference("0 0 * * * ?", "0 0 6 ? * MON-FRI", 24h * 21);
  ExpectExactDifference("0 30 5 * * ?", "0 30 5 1 * ?", 24h * 70);
  ExpectExactDifference("0 0 0/2 ? JAN-JUN MON,WED", "0 0 0/6 ? MAR-DEC WED", 24h * 200);
}

TEST(CronDifferenceTest, NothingLeftWhenBCoversA) {
  CronDifference d = SubtractCron("0 0 5 * * ?", "0 0 * * * ?");
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d.expressions.empty());
}

TEST(CronDifferenceTest, CompareTellsCoverDisjointAndPartial) {
  EXPECT_EQ(CompareCron("0 0 * * * ?", "0 0 5 * * ?"), CronOverlap::kCovers);
  EXPECT_EQ(CompareCron("0 0/5 * * * ?", "0 0 5 ? * MON-FRI"), CronOverlap::kCovers);
  EXPECT_EQ(CompareCron("0 0 * * * ?", "0 30 5 * * ?"), CronOverlap::kDisjoint);
  EXPECT_EQ(CompareCron("0 0 * ? * MON-FRI", "0 0 5 * * ?"), CronOverlap::kPartial);
  EXPECT_EQ(CompareCron("0 0 5 * * ?", "0 0 * * * ?"), CronOverlap::kPartial);
}

TEST(CronDifferenceTest, FormsWithoutAProductAreRefused) {
  for (const char* b : {"0 0 5 L * ?", "0 0 5 15W * ?", "0 0 5 ? * 6#3", "0 0 5 * * ? 2027"}) {
    EXPECT_FALSE(SubtractCron("0 0 * * * ?", b).ok()) << b;
    EXPECT_FALSE(CompareCron("0 0 * * * ?", b).has_value()) << b;
  }
  // One day set written as days of the month, the other as days of the week.
  EXPECT_FALSE(SubtractCron("0 0 * 1-15 * ?", "0 0 5 ? * MON").ok());
}

}  // namespace
}  // namespace tributary
