// Health judged against the frequency's schedule: ok, due, overdue, failing,
// never loaded.
#include "engine/status.h"

#include <date/date.h>
#include <gtest/gtest.h>

namespace tributary {
namespace {

using namespace std::chrono_literals;

TimePoint At(int hour, int minute) {
  return date::sys_days{date::year{2026} / 11 / 24} + std::chrono::hours(hour) +
         std::chrono::minutes(minute);
}

TaskResult Result(const std::string& status, TimePoint ended) {
  TaskResult r;
  r.task_id = "t";
  r.status = status;
  r.started_at = ended - 1min;
  r.ended_at = ended;
  return r;
}

class StatusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    project_.frequencies = {{"hourly", "0 0 * * * ?", "UTC", {}}};
    Task t;
    t.sink_table = "t";
    t.frequency = "hourly";
    project_.tasks = {t};
  }
  Health Judge(std::optional<TaskResult> success, std::optional<TaskResult> attempt,
               TimePoint now) {
    TaskHistory h{"t", attempt, success, std::nullopt};
    return ComputeStatus(project_, project_.tasks, {h}, now).at(0).health;
  }
  Project project_;
};

TEST_F(StatusTest, JudgesFreshnessAgainstTheSchedule) {
  auto loaded = Result("succeeded", At(10, 2));
  // Loaded after the 10:00 tick; now 10:30: nothing is expected yet.
  EXPECT_EQ(Judge(loaded, loaded, At(10, 30)), Health::kOk);
  // The 11:00 tick passed without a load: due (the run may be going on).
  EXPECT_EQ(Judge(loaded, loaded, At(11, 5)), Health::kDue);
  // The 12:00 tick passed too: a whole cycle missed.
  EXPECT_EQ(Judge(loaded, loaded, At(12, 1)), Health::kOverdue);
}

TEST_F(StatusTest, FailingAndNever) {
  auto loaded = Result("succeeded", At(10, 2));
  auto failed = Result("failed", At(10, 40));
  EXPECT_EQ(Judge(loaded, failed, At(10, 45)), Health::kFailing);
  EXPECT_EQ(Judge(std::nullopt, std::nullopt, At(10, 45)), Health::kNever);
  EXPECT_EQ(Judge(std::nullopt, failed, At(10, 45)), Health::kFailing);
}

TEST_F(StatusTest, ExpectedSinceIsTheLatestScheduledTime) {
  auto rows = ComputeStatus(project_, project_.tasks, {}, At(10, 30));
  ASSERT_TRUE(rows.at(0).expected_since.has_value());
  EXPECT_EQ(*rows.at(0).expected_since, At(10, 0));
}

}  // namespace
}  // namespace tributary
