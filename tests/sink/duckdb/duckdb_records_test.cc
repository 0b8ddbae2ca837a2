// DuckDbSink's run records, task results and history.
#include "support/duckdb_fixture.h"

namespace tributary {
namespace {

using std::chrono::seconds;

class DuckDbRecordsTest : public testing::DuckDbFixture {
 protected:
  TaskResult Result(const std::string& run, const std::string& task, int start,
                    const std::string& status) {
    TaskResult r;
    r.run_id = run;
    r.task_id = task;
    r.strategy = "full";
    r.server = "shop";
    r.database = "shop.db";
    r.source_table = "main.orders";
    r.frequency = "hourly";
    r.started_at = t0_ + seconds(start);
    r.ended_at = t0_ + seconds(start + 1);
    r.rows = start * 10;
    r.bytes = start * 100;
    r.status = status;
    r.error = status == "failed" ? "boom" : "";
    return r;
  }

  TimePoint t0_ = FromMicros(1'714'521'600'123'456);  // 2024-05-01 00:00:00.123456 UTC
};

TEST_F(DuckDbRecordsTest, RunsAreUpsertedByRunId) {
  RunRecord run{"r1", t0_, std::nullopt, "running", "run --frequency hourly", 3, 0};
  sink_->RecordRun(run);
  EXPECT_EQ(Scalar("SELECT concat_ws('|', run_id, started_at, ended_at IS NULL, status, command, "
                   "tasks_total, tasks_failed) FROM _tributary.runs"),
            "r1|2024-05-01 00:00:00.123456+00|true|running|run --frequency hourly|3|0");
  run.ended_at = t0_ + seconds(90);
  run.status = "failed";
  run.tasks_failed = 1;
  sink_->RecordRun(run);
  EXPECT_EQ(Scalar("SELECT count(*) FROM _tributary.runs"), "1");
  EXPECT_EQ(Scalar("SELECT concat_ws('|', ended_at, status, tasks_failed) FROM _tributary.runs"),
            "2024-05-01 00:01:30.123456+00|failed|1");
}

TEST_F(DuckDbRecordsTest, HistoryHoldsLastAttemptAndLastSuccessPerTask) {
  sink_->RecordTaskResult(Result("r1", "orders", 10, "succeeded"));
  sink_->RecordTaskResult(Result("r2", "orders", 20, "succeeded"));
  sink_->RecordTaskResult(Result("r3", "orders", 30, "failed"));
  sink_->RecordTaskResult(Result("r3", "customers", 30, "failed"));
  sink_->RecordTaskResult(Result("r1", "products", 10, "succeeded"));
  auto history = sink_->ReadHistory();
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0].task_id, "customers");
  EXPECT_EQ(history[0].last_attempt->status, "failed");
  EXPECT_EQ(history[0].last_attempt->error, "boom");
  EXPECT_FALSE(history[0].last_success.has_value());
  EXPECT_EQ(history[1].task_id, "orders");
  EXPECT_EQ(history[1].last_attempt->run_id, "r3");
  EXPECT_EQ(history[1].last_success->run_id, "r2");
  EXPECT_EQ(history[1].last_success->rows, 200);
  EXPECT_EQ(history[1].last_success->bytes, 2000);
  EXPECT_EQ(history[1].last_success->started_at, t0_ + seconds(20));
  EXPECT_EQ(history[1].last_success->ended_at, t0_ + seconds(21));
  EXPECT_EQ(history[1].last_success->source_table, "main.orders");
  EXPECT_EQ(history[1].last_success->frequency, "hourly");
  EXPECT_EQ(history[2].task_id, "products");
  EXPECT_EQ(history[2].last_attempt->run_id, "r1");
  EXPECT_EQ(history[2].last_success->run_id, "r1");
}

TEST_F(DuckDbRecordsTest, RecordsSurviveReopening) {
  sink_->RecordTaskResult(Result("r1", "orders", 10, "succeeded"));
  sink_.reset();
  sink_ = std::make_unique<DuckDbSink>(dir_ / "lake.duckdb", "bronze");
  EXPECT_EQ(sink_->ReadHistory().size(), 1u);
}

// A sink file from before the row count and the schema changes were kept:
// opening it adds them, and the history it holds is read as it was.
TEST_F(DuckDbRecordsTest, AnOlderHistoryIsMigratedWithoutLosingIt) {
  Values("ALTER TABLE _tributary.task_results DROP COLUMN table_rows");
  Values("DROP TABLE _tributary.schema_changes");
  Values(
      "INSERT INTO _tributary.task_results VALUES ('r0', 'orders', 'full', 'shop', 'shop.db', "
      "'main.orders', 'hourly', '2024-05-01 00:00:00+00', '2024-05-01 00:00:01+00', 7, 70, "
      "'succeeded', '')");
  sink_.reset();
  sink_ = std::make_unique<DuckDbSink>(dir_ / "lake.duckdb", "bronze");
  auto history = sink_->ReadHistory();
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].last_success->rows, 7);
  EXPECT_EQ(history[0].last_success->table_rows, -1);
  TaskResult r = Result("r1", "orders", 10, "succeeded");
  r.table_rows = 1234;
  sink_->RecordTaskResult(r);
  EXPECT_EQ(sink_->ReadHistory()[0].last_success->table_rows, 1234);
  EXPECT_EQ(sink_->ReadTaskResults("orders", 10).size(), 2u);
  EXPECT_TRUE(sink_->ReadSchemaChanges({}).empty());
}

}  // namespace
}  // namespace tributary
