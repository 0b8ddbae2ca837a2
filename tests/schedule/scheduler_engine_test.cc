// The scheduler driving the real engine on simulated time: the quickstart
// (SQLite → DuckDB) loaded by coalesced runs, each table once per run, every
// decision recorded with its run in _tributary.runs.
#include <date/date.h>
#include <gtest/gtest.h>

#include "config/loader.h"
#include "engine/connectors.h"
#include "engine/runner.h"
#include "schedule/scheduler.h"
#include "support/fake_timer.h"
#include "support/quickstart.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

using namespace std::chrono_literals;
using testing::DuckDbScalar;
using testing::FakeTimer;

// Runs the due frequencies' tables through RunTasks, as `schedule run` does;
// stops the scheduler after the run started at or after `stop_at`.
class EngineActions final : public ScheduleActions {
 public:
  EngineActions(const Project& project, Sink& sink, FakeTimer& timer)
      : project_(project), sink_(sink), timer_(timer) {}

  std::string Run(const ScheduledRun& run) override {
    std::vector<Task> tasks;
    for (const auto& t : project_.tasks) {
      if (std::count(run.frequencies.begin(), run.frequencies.end(), t.frequency)) {
        tasks.push_back(t);
      }
    }
    RunOptions options;
    options.command = run.Describe();
    options.cancel = run.cancel;
    options.threads = 2;
    RunObserver quiet;
    RunSummary summary = RunTasks(project_, tasks, sink_, timer_, options, quiet);
    if (run.at >= stop_at) scheduler->RequestStop();
    return summary.run.status;
  }
  void Record(const Decision&) override {}

  Scheduler* scheduler = nullptr;
  TimePoint stop_at;

 private:
  const Project& project_;
  Sink& sink_;
  FakeTimer& timer_;
};

TEST(SchedulerEngineTest, TheDailyRunAlsoLoadsThatHoursTablesEachOnce) {
  testing::TempDir dir;
  auto loaded = testing::MakeQuickstartProject(dir.path());
  auto result = LoadProject(loaded);
  ASSERT_FALSE(result.diagnostics.HasErrors()) << result.diagnostics.RenderText();
  const Project& project = *result.project;
  // Quickstart: every_5_minutes and hourly in UTC, daily at 05:00 Europe/Oslo
  // = 03:00 UTC in June. 03:00 fires all three; 03:05 only every_5_minutes.
  TimePoint start = date::sys_days{date::year{2026} / 6 / 1} + 2h + 58min;
  FakeTimer timer(start);
  {
    auto sink = OpenSink(project);
    EngineActions actions(project, *sink, timer);
    SchedulerOptions options;
    for (const auto& f : project.frequencies) options.attempted_since[f.name] = start;
    Scheduler scheduler(project, timer, actions, options);
    actions.scheduler = &scheduler;
    actions.stop_at = start + 7min;
    scheduler.Run();
  }
  auto db = loaded / "lakehouse.duckdb";
  EXPECT_EQ(DuckDbScalar(db, "SELECT count(*) FROM _tributary.runs"), "2");
  std::string first = "(SELECT run_id FROM _tributary.runs ORDER BY started_at LIMIT 1)";
  EXPECT_EQ(DuckDbScalar(db,
                         "SELECT count(*) || ' ' || count(DISTINCT task_id) FROM "
                         "_tributary.task_results WHERE run_id = " +
                             first),
            "7 7");
  EXPECT_EQ(DuckDbScalar(db, "SELECT command FROM _tributary.runs WHERE run_id = " + first),
            "schedule: fired every_5_minutes@2026-06-01T03:00:00Z, fired "
            "hourly@2026-06-01T03:00:00Z, fired daily@2026-06-01T03:00:00Z; coalesced: 3 "
            "frequencies, one run");
  EXPECT_EQ(DuckDbScalar(db,
                         "SELECT string_agg(task_id, ',') FROM _tributary.task_results "
                         "WHERE run_id <> " +
                             first),
            "shop__events");
  EXPECT_EQ(DuckDbScalar(db, "SELECT string_agg(DISTINCT status, ',') FROM _tributary.runs"),
            "succeeded");
  // Records carry simulated time: the runs started at their ticks.
  EXPECT_EQ(DuckDbScalar(db,
                         "SELECT string_agg(strftime(started_at AT TIME ZONE 'UTC', "
                         "'%H:%M'), ',' ORDER BY started_at) FROM _tributary.runs"),
            "03:00,03:05");
}

}  // namespace
}  // namespace tributary
