// The incremental strategy end to end (source → runner → DuckDB), run
// unchanged on every source kind of support/test_source.h.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/connectors.h"
#include "engine/runner.h"
#include "strategy/watermark.h"
#include "support/quickstart.h"
#include "support/temp_dir.h"
#include "support/test_source.h"

namespace tributary {
namespace {

using testing::DuckDbScalar;
using ::testing::HasSubstr;

class IncrementalTest : public ::testing::TestWithParam<testing::TestSourceKind> {
 protected:
  void SetUp() override {
    source_ = GetParam().make(dir_.path());
    source_->Exec(
        "CREATE TABLE events (id INTEGER PRIMARY KEY, updated_at TIMESTAMP, v TEXT);"
        "INSERT INTO events VALUES (1, '2026-01-01 10:00:00', 'a'), "
        "(2, '2026-01-01 11:00:00', 'b'), (3, '2026-01-01 12:00:00', 'c');");
    project_.name = "incremental_test";
    project_.dir = dir_.path();
    project_.sink.path = "lake.duckdb";
    project_.servers = {source_->Server(dir_.path())};
    task_.strategy = "incremental";
    task_.server = "src";
    task_.database = source_->Database();
    task_.source_schema = source_->Schema();
    task_.source_table = "events";
    task_.frequency = "hourly";
    task_.sink_table = "src__events";
    task_.options.watermark_column = "updated_at";
  }

  // Runs the task once; returns its result.
  TaskResult Run(Reload reload = {}) {
    auto sink = OpenSink(project_);
    RunObserver observer;
    RunOptions options;
    options.reload = reload;
    auto summary = RunTasks(project_, {task_}, *sink, clock_, options, observer);
    return summary.results.at(0);
  }
  void RunOk(Reload reload = {}) {
    auto r = Run(reload);
    ASSERT_EQ(r.status, "succeeded") << r.error;
  }
  std::string Bronze(const std::string& sql) { return DuckDbScalar(dir_ / "lake.duckdb", sql); }
  // "id:v,..." of the bronze table, in id then v order.
  std::string Rows() {
    return Bronze("SELECT string_agg(id || ':' || v, ',' ORDER BY id, v) FROM bronze.src__events");
  }
  // When the task's state was last written (the sink transaction's time).
  std::string StateWrittenAt() {
    return Bronze("SELECT updated_at::VARCHAR FROM _tributary.state WHERE task_id = '" +
                  task_.id() + "'");
  }
  std::string Watermark() {
    auto sink = OpenSink(project_);
    auto state = sink->ReadState(task_.id());
    return state ? WatermarkState::FromJson(*state, task_.id()).value : "<none>";
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::TestSource> source_;
  Project project_;
  Task task_;
  FakeClock clock_{TimePoint(std::chrono::seconds(1'800'000'000))};
};

TEST_P(IncrementalTest, FirstRunLoadsEverythingAndCommitsTheWatermark) {
  RunOk();
  EXPECT_EQ(Rows(), "1:a,2:b,3:c");
  EXPECT_EQ(Watermark(), "2026-01-01 12:00:00.000000");
}

TEST_P(IncrementalTest, RowsAtTheBoundaryAreNeitherLostNorDuplicated) {
  for (bool keyed : {false, true}) {
    SCOPED_TRACE(keyed ? "with primary_key" : "append");
    task_.options.primary_key = keyed ? std::vector<std::string>{"id"} : std::vector<std::string>{};
    RunOk(Reload{Reload::Kind::kFullRefresh});
    // Committed after the run read 12:00, with that very timestamp.
    source_->Exec("INSERT INTO events VALUES (4, '2026-01-01 12:00:00', 'd')");
    RunOk();
    EXPECT_EQ(Rows(), "1:a,2:b,3:c,4:d");
    RunOk();  // nothing new: still no duplicate
    EXPECT_EQ(Rows(), "1:a,2:b,3:c,4:d");
    source_->Exec("DELETE FROM events WHERE id = 4");
  }
}

// Only the boundary value is read again (rows that share it may commit late);
// when it holds exactly the rows landed last time, nothing is written: no
// sink transaction, the state not even rewritten.
TEST_P(IncrementalTest, ARunWithNothingNewRereadsOnlyTheBoundaryAndWritesNothing) {
  for (bool keyed : {false, true}) {
    SCOPED_TRACE(keyed ? "with primary_key" : "append");
    task_.options.primary_key = keyed ? std::vector<std::string>{"id"} : std::vector<std::string>{};
    RunOk(Reload{Reload::Kind::kFullRefresh});
    auto state = OpenSink(project_)->ReadState(task_.id());
    ASSERT_TRUE(state.has_value());
    std::string written = StateWrittenAt();
    for (int i = 0; i < 2; ++i) {
      auto result = Run();
      ASSERT_EQ(result.status, "succeeded") << result.error;
      EXPECT_EQ(result.rows, 0);
      EXPECT_EQ(Rows(), "1:a,2:b,3:c");
      EXPECT_EQ(OpenSink(project_)->ReadState(task_.id()), state);
      EXPECT_EQ(StateWrittenAt(), written) << "no transaction touched the state";
    }
  }
}

// A row at the watermark that changed without its timestamp moving, or a
// late one with the same timestamp, still lands: the re-read rows differ
// from those landed.
TEST_P(IncrementalTest, ChangedRowsAtTheWatermarkLandWithoutANewerValue) {
  for (bool keyed : {false, true}) {
    SCOPED_TRACE(keyed ? "with primary_key" : "append");
    task_.options.primary_key = keyed ? std::vector<std::string>{"id"} : std::vector<std::string>{};
    RunOk(Reload{Reload::Kind::kFullRefresh});
    RunOk();  // unchanged
    source_->Exec("UPDATE events SET v = 'c2' WHERE id = 3");
    RunOk();
    EXPECT_EQ(Rows(), "1:a,2:b,3:c2");
    source_->Exec("INSERT INTO events VALUES (4, '2026-01-01 12:00:00', 'd')");
    RunOk();
    EXPECT_EQ(Rows(), "1:a,2:b,3:c2,4:d");
    RunOk();  // unchanged again
    EXPECT_EQ(Rows(), "1:a,2:b,3:c2,4:d");
    source_->Exec("DELETE FROM events WHERE id = 4; UPDATE events SET v = 'c' WHERE id = 3");
  }
}

TEST_P(IncrementalTest, WithAKeyTheLatestRowPerKeyIsKept) {
  task_.options.primary_key = {"id"};
  RunOk();
  source_->Exec(
      "UPDATE events SET v = 'b2', updated_at = '2026-01-02 09:00:00' WHERE id = 2;"
      "INSERT INTO events VALUES (5, '2026-01-02 08:00:00', 'e');");
  auto result = Run();
  EXPECT_EQ(result.rows, 3) << "rows at the watermark and past it: 3, 2 and 5";
  EXPECT_EQ(Rows(), "1:a,2:b2,3:c,5:e");
  EXPECT_EQ(Watermark(), "2026-01-02 09:00:00.000000");
}

TEST_P(IncrementalTest, WithoutAKeyUpdatesAppendAndHistoryIsKept) {
  RunOk();
  source_->Exec("UPDATE events SET v = 'b2', updated_at = '2026-01-02 09:00:00' WHERE id = 2");
  RunOk();
  EXPECT_EQ(Rows(), "1:a,2:b,2:b2,3:c");
}

TEST_P(IncrementalTest, LookbackCatchesLateRowsWithinItsWindowOnly) {
  task_.options.lookback = "1h";
  RunOk();
  source_->Exec(
      "INSERT INTO events VALUES (6, '2026-01-01 11:30:00', 'late'), "
      "(7, '2026-01-01 10:30:00', 'too late')");
  RunOk();
  EXPECT_EQ(Rows(), "1:a,2:b,3:c,6:late");
  EXPECT_EQ(Watermark(), "2026-01-01 12:00:00.000000");
}

TEST_P(IncrementalTest, FullRefreshRebuildsFromTheSource) {
  RunOk();
  source_->Exec("DELETE FROM events WHERE id = 1; UPDATE events SET v = 'c2' WHERE id = 3");
  RunOk(Reload{Reload::Kind::kFullRefresh});
  EXPECT_EQ(Rows(), "2:b,3:c2");
  EXPECT_EQ(Watermark(), "2026-01-01 12:00:00.000000");
}

TEST_P(IncrementalTest, BackfillOfARangeRereadsItWithoutDuplicates) {
  for (bool keyed : {false, true}) {
    SCOPED_TRACE(keyed ? "with primary_key" : "append");
    task_.options.primary_key = keyed ? std::vector<std::string>{"id"} : std::vector<std::string>{};
    RunOk(Reload{Reload::Kind::kFullRefresh});
    // Changed without moving the watermark: only a backfill can see it.
    source_->Exec(
        "UPDATE events SET v = 'b2' WHERE id = 2; UPDATE events SET v = 'c2' WHERE id = 3");
    RunOk(Reload{Reload::Kind::kBackfill, "2026-01-01 11:00:00", "2026-01-01 12:00:00"});
    EXPECT_EQ(Rows(), "1:a,2:b2,3:c");
    EXPECT_EQ(Watermark(), "2026-01-01 12:00:00.000000") << "a backfill never moves it back";
    RunOk(Reload{Reload::Kind::kBackfill});  // everything
    EXPECT_EQ(Rows(), "1:a,2:b2,3:c2");
    source_->Exec("UPDATE events SET v = 'b' WHERE id = 2; UPDATE events SET v = 'c' WHERE id = 3");
  }
}

TEST_P(IncrementalTest, AdoptsATableLoadedBeforeItHadState) {
  task_.strategy = "full";
  RunOk();
  EXPECT_EQ(Watermark(), "<none>");
  task_.strategy = "incremental";
  source_->Exec("INSERT INTO events VALUES (4, '2026-01-01 13:00:00', 'd')");
  auto result = Run();
  ASSERT_EQ(result.status, "succeeded") << result.error;
  EXPECT_EQ(result.rows, 2) << "read from the sink's largest updated_at (12:00) on";
  EXPECT_EQ(Rows(), "1:a,2:b,3:c,4:d");
  EXPECT_EQ(Watermark(), "2026-01-01 13:00:00.000000");
}

// Rows in the re-read window are rewritten as the source has them now; rows
// before it keep what they had.
TEST_P(IncrementalTest, NewSourceColumnsAreAddedAndDroppedOnesStay) {
  RunOk();
  source_->Exec(
      "ALTER TABLE events ADD COLUMN note TEXT;"
      "INSERT INTO events VALUES (4, '2026-01-01 13:00:00', 'd', 'n4');"
      "INSERT INTO events VALUES (5, '2026-01-01 14:00:00', 'e', 'n5')");
  RunOk();
  std::string notes =
      "SELECT string_agg(id || ':' || coalesce(note, '-'), ',' ORDER BY id) FROM "
      "bronze.src__events";
  EXPECT_EQ(Bronze(notes), "1:-,2:-,3:-,4:n4,5:n5");
  source_->Exec(
      "ALTER TABLE events DROP COLUMN note;"
      "INSERT INTO events VALUES (6, '2026-01-01 15:00:00', 'f')");
  RunOk();
  EXPECT_EQ(Bronze(notes), "1:-,2:-,3:-,4:n4,5:-,6:-");
}

// The same policy on a full load (one policy for every strategy): the column
// stays, NULL from the reload on, unless the table says dropped_columns: drop.
TEST_P(IncrementalTest, AFullLoadKeepsADroppedColumnUnlessTheTableSaysDrop) {
  task_.strategy = "full";
  source_->Exec("ALTER TABLE events ADD COLUMN note TEXT; UPDATE events SET note = 'n' || id");
  RunOk();
  std::string notes =
      "SELECT string_agg(id || ':' || coalesce(note, '-'), ',' ORDER BY id) FROM "
      "bronze.src__events";
  EXPECT_EQ(Bronze(notes), "1:n1,2:n2,3:n3");
  source_->Exec(
      "ALTER TABLE events DROP COLUMN note;"
      "INSERT INTO events VALUES (4, '2026-01-01 13:00:00', 'd')");
  RunOk();
  EXPECT_EQ(Bronze(notes), "1:-,2:-,3:-,4:-");
  EXPECT_EQ(Rows(), "1:a,2:b,3:c,4:d");
  task_.options.keep_dropped_columns = false;
  RunOk();
  EXPECT_EQ(Bronze("SELECT count(*) FROM information_schema.columns WHERE table_name = "
                   "'src__events' AND column_name = 'note'"),
            "0");
  EXPECT_EQ(Rows(), "1:a,2:b,3:c,4:d");
}

TEST_P(IncrementalTest, ClearErrorsForAnUnusableWatermarkColumn) {
  task_.options.watermark_column = "nope";
  EXPECT_THAT(Run().error, HasSubstr("watermark column 'nope' does not exist in table 'events'"));
  task_.options.watermark_column = "v";
  EXPECT_THAT(Run().error, HasSubstr("watermark column 'v' of table 'events' is text"));
  task_.options.watermark_column = "updated_at";
  task_.options.primary_key = {"idd"};
  EXPECT_THAT(Run().error, HasSubstr("primary_key column 'idd' does not exist"));
}

TEST_P(IncrementalTest, AChangedWatermarkColumnAsksForAFullRefresh) {
  RunOk();
  task_.options.watermark_column = "id";
  auto result = Run();
  EXPECT_THAT(result.error, HasSubstr("stored watermark is on column 'updated_at'"));
  EXPECT_THAT(result.error, HasSubstr("--full-refresh --tables src__events"));
  RunOk(Reload{Reload::Kind::kFullRefresh});
  EXPECT_EQ(Watermark(), "3");
}

TEST_P(IncrementalTest, IntegerKeyWatermarkWithANumericLookback) {
  task_.options.watermark_column = "id";
  task_.options.lookback = "2";
  RunOk();
  EXPECT_EQ(Watermark(), "3");
  source_->Exec("INSERT INTO events VALUES (10, NULL, 'j')");
  auto result = Run();
  EXPECT_EQ(result.rows, 4) << "ids >= 3 - 2: 1, 2, 3 again and 10";
  EXPECT_EQ(Rows(), "1:a,2:b,3:c,10:j");
  EXPECT_EQ(Watermark(), "10");
}

INSTANTIATE_TEST_SUITE_P(Sources, IncrementalTest, ::testing::ValuesIn(testing::TestSourceKinds()),
                         [](const auto& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace tributary
