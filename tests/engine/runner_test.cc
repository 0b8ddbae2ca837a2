// The runner against real SQLite and DuckDB files: parallel tasks, isolation
// of failures, run records, cancellation.
#include "engine/runner.h"

#include <gtest/gtest.h>

#include <mutex>
#include <set>

#include "engine/connectors.h"
#include "support/quickstart.h"
#include "support/sqlite_fixture.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

using testing::DuckDbScalar;

class RecordingObserver final : public RunObserver {
 public:
  void TaskStarted(const Task& task, const TaskProgress&) override {
    std::lock_guard lock(mu_);
    started_.insert(task.id());
    max_active_ = std::max(max_active_, static_cast<int>(started_.size() - finished_.size()));
  }
  void TaskFinished(const Task& task, const TaskResult&) override {
    std::lock_guard lock(mu_);
    finished_.insert(task.id());
  }
  std::set<std::string> finished() const { return finished_; }

 private:
  mutable std::mutex mu_;
  std::set<std::string> started_, finished_;
  int max_active_ = 0;
};

class RunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    project_ = testing::SqliteProject(dir_.path(), "runner_test");
    std::string sql;
    for (int t = 0; t < 6; ++t) {
      sql += "CREATE TABLE t" + std::to_string(t) + " (id INTEGER, name TEXT);";
      sql += "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
             std::to_string(1000 * (t + 1)) + ") INSERT INTO t" + std::to_string(t) +
             " SELECT i, 'row ' || i FROM n;";
      project_.tasks.push_back(testing::SqliteTask("t" + std::to_string(t)));
    }
    testing::SqliteExec(dir_ / "src.db", sql);
  }
  std::string Bronze(const std::string& sql) { return DuckDbScalar(dir_ / "lake.duckdb", sql); }

  testing::TempDir dir_;
  Project project_;
  FakeClock clock_{TimePoint(std::chrono::seconds(1'800'000'000))};
};

TEST_F(RunnerTest, LoadsAllTasksInParallelAndRecordsTheRun) {
  RecordingObserver observer;
  RunSummary summary;
  {
    auto sink = OpenSink(project_);
    RunOptions options;
    options.run_id = "run-1";
    options.threads = 3;
    summary = RunTasks(project_, project_.tasks, *sink, clock_, options, observer);
  }
  EXPECT_EQ(summary.failed(), 0);
  ASSERT_EQ(summary.results.size(), 6u);
  for (int t = 0; t < 6; ++t) {
    EXPECT_EQ(summary.results[t].status, "succeeded") << summary.results[t].error;
    EXPECT_EQ(summary.results[t].rows, 1000 * (t + 1));
    EXPECT_EQ(Bronze("SELECT count(*) FROM bronze.src__t" + std::to_string(t)),
              std::to_string(1000 * (t + 1)));
  }
  EXPECT_EQ(observer.finished().size(), 6u);
  EXPECT_EQ(
      Bronze("SELECT status || '/' || tasks_total || '/' || tasks_failed FROM _tributary.runs "
             "WHERE run_id = 'run-1'"),
      "succeeded/6/0");
  EXPECT_EQ(Bronze("SELECT count(*) FROM _tributary.task_results WHERE run_id = 'run-1'"), "6");
}

// Asked for, each whole-table load gets its source's row estimate before it
// starts (the live progress display's percentage); each result records the
// sink table's rows.
TEST_F(RunnerTest, EstimatesTheRowsOfEachTableWhenAsked) {
  for (bool asked : {false, true}) {
    std::map<std::string, int64_t> estimates;
    class Capture final : public RunObserver {
     public:
      explicit Capture(std::map<std::string, int64_t>& out) : out_(out) {}
      void TaskStarted(const Task& task, const TaskProgress& progress) override {
        std::lock_guard lock(mu_);
        progress_[task.id()] = &progress;
      }
      void TaskFinished(const Task& task, const TaskResult&) override {
        std::lock_guard lock(mu_);
        out_[task.id()] = progress_[task.id()]->estimate();
      }
      std::map<std::string, int64_t>& out_;
      std::mutex mu_;
      std::map<std::string, const TaskProgress*> progress_;
    } observer(estimates);
    auto sink = OpenSink(project_);
    RunOptions options;
    options.estimate_rows = asked;
    RunSummary summary = RunTasks(project_, project_.tasks, *sink, clock_, options, observer);
    ASSERT_EQ(summary.failed(), 0);
    for (int t = 0; t < 6; ++t) {
      std::string id = "src__t" + std::to_string(t);
      EXPECT_EQ(estimates.at(id), asked ? 1000 * (t + 1) : -1) << id;
      EXPECT_EQ(summary.results[t].table_rows, 1000 * (t + 1));
    }
  }
}

TEST_F(RunnerTest, AFailingTaskIsIsolatedAndReported) {
  project_.tasks.insert(project_.tasks.begin() + 2, testing::SqliteTask("missing_table"));
  project_.tasks.push_back(testing::SqliteTask("t0"));
  project_.tasks.back().sink_table = "copy_of_t0";
  project_.tasks.back().server = "no_such_server";
  RecordingObserver observer;
  RunSummary summary;
  {
    auto sink = OpenSink(project_);
    RunOptions options;
    options.threads = 2;
    summary = RunTasks(project_, project_.tasks, *sink, clock_, options, observer);
  }
  EXPECT_EQ(summary.failed(), 2);
  EXPECT_EQ(summary.run.status, "failed");
  EXPECT_NE(summary.results[2].error.find("missing_table"), std::string::npos)
      << summary.results[2].error;
  EXPECT_NE(summary.results.back().error.find("no_such_server"), std::string::npos);
  EXPECT_EQ(Bronze("SELECT count(*) FROM bronze.src__t5"), "6000");
  EXPECT_EQ(Bronze("SELECT count(*) FROM _tributary.task_results WHERE status = 'failed'"), "2");
  EXPECT_EQ(Bronze("SELECT count(*) FROM information_schema.tables WHERE table_name = "
                   "'src__missing_table'"),
            "0");
}

TEST_F(RunnerTest, CancelledBeforeStartRunsNothing) {
  std::atomic<bool> cancel{true};
  RecordingObserver observer;
  RunSummary summary;
  {
    auto sink = OpenSink(project_);
    RunOptions options;
    options.threads = 2;
    options.cancel = &cancel;
    summary = RunTasks(project_, project_.tasks, *sink, clock_, options, observer);
  }
  EXPECT_TRUE(summary.results.empty());
  EXPECT_EQ(summary.run.status, "cancelled");
  EXPECT_EQ(Bronze("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'bronze'"),
            "0");
}

TEST_F(RunnerTest, TasksOpenTheirSourcesThroughTheGivenConnectors) {
  // A server that refuses connections fails its own tasks only; the others
  // still load through the real connectors.
  project_.tasks.push_back(testing::SqliteTask("t0"));
  project_.tasks.back().database = "down.db";
  project_.tasks.back().sink_table = "down__t0";
  std::atomic<int> opened{0};
  Connectors connectors = RealConnectors();
  connectors.open_source = [&opened](const Project& project, const ServerConfig& server,
                                     const std::string& database) -> std::unique_ptr<Source> {
    ++opened;
    if (database == "down.db") throw SourceError("sqlite server 'src': connection refused");
    return OpenSource(project, server, database);
  };
  RecordingObserver observer;
  RunSummary summary;
  {
    auto sink = OpenSink(project_);
    RunOptions options;
    options.threads = 3;
    options.connectors = &connectors;
    summary = RunTasks(project_, project_.tasks, *sink, clock_, options, observer);
  }
  EXPECT_EQ(opened.load(), 7);
  EXPECT_EQ(summary.failed(), 1);
  EXPECT_EQ(summary.results.back().status, "failed");
  EXPECT_NE(summary.results.back().error.find("connection refused"), std::string::npos)
      << summary.results.back().error;
  EXPECT_EQ(Bronze("SELECT count(*) FROM bronze.src__t5"), "6000");
}

}  // namespace
}  // namespace tributary
