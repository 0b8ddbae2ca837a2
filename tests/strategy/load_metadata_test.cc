// Load metadata columns (_ingested_at, _run_id) on every strategy, through the
// runner, from real SQLite files into a real DuckDB file: which rows carry
// which run, tables loaded before the columns existed, the opt-out and a
// source column that collides with a metadata name.
#include "data/load_metadata.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/connectors.h"
#include "engine/runner.h"
#include "strategy/load_stamp.h"
#include "support/quickstart.h"
#include "support/sqlite_fixture.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

using testing::DuckDbScalar;
using ::testing::HasSubstr;

constexpr int64_t kStart = 1'800'000'000;  // the fake clock, seconds since the epoch

class LoadMetadataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    project_ = testing::SqliteProject(dir_.path(), "stamp_test");
    testing::SqliteExec(dir_ / "src.db",
                        "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, updated INTEGER);"
                        "INSERT INTO items VALUES (1, 'a', 10), (2, 'b', 20), (3, 'c', 30);");
  }

  RunSummary Run(const std::vector<Task>& tasks, const std::string& run_id) {
    auto sink = OpenSink(project_);
    RunOptions options;
    options.run_id = run_id;
    RunObserver quiet;
    return RunTasks(project_, tasks, *sink, clock_, options, quiet);
  }
  void RunOk(const std::vector<Task>& tasks, const std::string& run_id) {
    for (const TaskResult& r : Run(tasks, run_id).results) {
      ASSERT_EQ(r.status, "succeeded") << r.task_id << ": " << r.error;
    }
  }
  std::string Bronze(const std::string& sql) { return DuckDbScalar(dir_ / "lake.duckdb", sql); }
  // "id:run" of every row, by id.
  std::string RunsById(const std::string& table) {
    return Bronze(
        "SELECT string_agg(id || ':' || coalesce(_run_id, 'NULL'), ',' ORDER BY id) "
        "FROM bronze." +
        table);
  }
  // The table's column names in order.
  std::string Columns(const std::string& table) {
    return Bronze(
        "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM "
        "information_schema.columns WHERE table_schema = 'bronze' AND table_name = '" +
        table + "'");
  }
  Task Incremental() {
    Task t = testing::SqliteTask("items", "incremental");
    t.sink_table = "src__items_incr";
    t.options.watermark_column = "updated";
    t.options.primary_key = {"id"};
    return t;
  }

  testing::TempDir dir_;
  Project project_;
  FakeClock clock_{TimePoint(std::chrono::seconds(kStart))};
};

TEST_F(LoadMetadataTest, EveryStrategyStampsItsRowsAfterTheTableColumns) {
  Task full = testing::SqliteTask("items");
  Task query = testing::SqliteTask("items", "query");
  query.sink_table = "src__items_query";
  query.options.query = "SELECT id, upper(name) AS name FROM items";
  Task selected = testing::SqliteTask("items", "selected_columns");
  selected.sink_table = "src__items_cols";
  selected.options.columns = {"id", "name"};
  RunOk({full, query, selected, Incremental()}, "run-1");

  EXPECT_EQ(Columns("src__items"), "id,name,updated,_ingested_at,_run_id");
  EXPECT_EQ(Columns("src__items_query"), "id,name,_ingested_at,_run_id");
  EXPECT_EQ(Columns("src__items_cols"), "id,name,_ingested_at,_run_id");
  EXPECT_EQ(Columns("src__items_incr"), "id,name,updated,_ingested_at,_run_id");
  for (const char* table :
       {"src__items", "src__items_query", "src__items_cols", "src__items_incr"}) {
    EXPECT_EQ(RunsById(table), "1:run-1,2:run-1,3:run-1") << table;
    EXPECT_EQ(
        Bronze(std::string("SELECT DISTINCT epoch(_ingested_at)::bigint FROM bronze.") + table),
        std::to_string(kStart))
        << table;
  }
  EXPECT_EQ(Bronze("SELECT data_type FROM information_schema.columns WHERE table_name = "
                   "'src__items' AND column_name = '_ingested_at'"),
            "TIMESTAMP WITH TIME ZONE");
  // The run a row names is in the run history.
  EXPECT_EQ(Bronze("SELECT count(*) FROM _tributary.runs r JOIN bronze.src__items i "
                   "ON r.run_id = i._run_id"),
            "3");
}

TEST_F(LoadMetadataTest, AMergeRestampsOnlyTheRowsItReads) {
  RunOk({Incremental()}, "run-1");
  testing::SqliteExec(dir_ / "src.db",
                      "UPDATE items SET name = 'bb', updated = 40 WHERE id = 2;"
                      "INSERT INTO items VALUES (4, 'd', 50);");
  clock_.Advance(std::chrono::minutes(5));
  RunOk({Incremental()}, "run-2");
  // Row 3 holds the last watermark, which every run reads again (incremental.md).
  EXPECT_EQ(RunsById("src__items_incr"), "1:run-1,2:run-2,3:run-2,4:run-2");
  EXPECT_EQ(Bronze("SELECT string_agg((epoch(_ingested_at)::bigint - " + std::to_string(kStart) +
                   ")::text, ',' ORDER BY id) FROM bronze.src__items_incr"),
            "0,300,300,300");
}

TEST_F(LoadMetadataTest, TablesLoadedWithoutThemGetThemNullOnOlderRows) {
  Task full = testing::SqliteTask("items");
  Task incremental = Incremental();
  full.options.load_metadata = incremental.options.load_metadata = false;
  RunOk({full, incremental}, "run-1");
  EXPECT_EQ(Columns("src__items"), "id,name,updated");
  EXPECT_EQ(Columns("src__items_incr"), "id,name,updated");

  testing::SqliteExec(dir_ / "src.db", "INSERT INTO items VALUES (4, 'd', 50);");
  full.options.load_metadata = incremental.options.load_metadata = true;
  RunOk({full, incremental}, "run-2");
  EXPECT_EQ(Columns("src__items_incr"), "id,name,updated,_ingested_at,_run_id");
  EXPECT_EQ(RunsById("src__items_incr"), "1:NULL,2:NULL,3:run-2,4:run-2");
  EXPECT_EQ(RunsById("src__items"), "1:run-2,2:run-2,3:run-2,4:run-2");
}

TEST_F(LoadMetadataTest, ASourceColumnWithAMetadataNameFailsOnlyItsTable) {
  testing::SqliteExec(dir_ / "src.db",
                      "CREATE TABLE clash (id INTEGER, _run_id TEXT); INSERT INTO clash VALUES "
                      "(1, 'theirs');");
  RunSummary summary = Run({testing::SqliteTask("clash"), testing::SqliteTask("items")}, "run-1");
  ASSERT_EQ(summary.results.size(), 2u);
  EXPECT_EQ(summary.results[0].status, "failed");
  EXPECT_THAT(summary.results[0].error, HasSubstr("src__clash"));
  EXPECT_THAT(summary.results[0].error, HasSubstr("'_run_id'"));
  EXPECT_THAT(summary.results[0].error, HasSubstr("load_metadata: false"));
  EXPECT_EQ(summary.results[1].status, "succeeded") << summary.results[1].error;

  Task opted_out = testing::SqliteTask("clash");
  opted_out.options.load_metadata = false;
  RunOk({opted_out}, "run-2");
  EXPECT_EQ(Bronze("SELECT _run_id FROM bronze.src__clash"), "theirs");
}

// A reader that hands out `total` ids in batches of at most `per_batch`.
class IdReader final : public Reader {
 public:
  IdReader(int64_t total, size_t per_batch) : total_(total), per_batch_(per_batch) {
    auto s = std::make_shared<Schema>();
    s->fields = {{"id", {TypeId::kInt64}}};
    schema_ = s;
  }
  const std::shared_ptr<const Schema>& schema() const override { return schema_; }
  bool Next(Batch& batch, const BatchLimits&) override {
    if (next_ >= total_) return false;
    for (size_t i = 0; i < per_batch_ && next_ < total_; ++i) {
      batch.column(0).Append<int64_t>(next_++);
    }
    return true;
  }

 private:
  std::shared_ptr<const Schema> schema_;
  int64_t total_;
  size_t per_batch_;
  int64_t next_ = 0;
};

TEST(StampRowsTest, FillsEveryRowAndKeepsThoseAlreadyInTheBatch) {
  IdReader inner(5, 3);
  auto reader = StampRows(inner, LoadStamp{42, "r-7"}, "t");
  ASSERT_EQ(reader->schema()->fields.size(), 3u);
  EXPECT_EQ(reader->schema()->fields[1], IngestedAtField());
  EXPECT_EQ(reader->schema()->fields[2], RunIdField());
  Batch batch(reader->schema());
  BatchLimits limits;
  ASSERT_TRUE(reader->Next(batch, limits));
  ASSERT_TRUE(reader->Next(batch, limits));  // appended after the first batch's rows
  EXPECT_FALSE(reader->Next(batch, limits));
  ASSERT_EQ(batch.num_rows(), 5u);
  for (size_t r = 0; r < 5; ++r) {
    EXPECT_EQ(batch.column(0).Get<int64_t>(r), static_cast<int64_t>(r));
    EXPECT_EQ(batch.column(1).Get<int64_t>(r), 42);
    EXPECT_EQ(batch.column(2).GetBytes(r), "r-7");
  }
}

TEST(StampRowsTest, RefusesASchemaThatHasAMetadataName) {
  Schema columns;
  columns.fields = {{"id", {TypeId::kInt64}}, {"_ingested_at", {TypeId::kTimestampTz}}};
  try {
    StampedSchema(columns, "shop__orders");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("shop__orders"));
    EXPECT_THAT(e.what(), HasSubstr("'_ingested_at'"));
  }
}

}  // namespace
}  // namespace tributary
