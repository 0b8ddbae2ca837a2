// Vacuum of Delta tables: which data files and log files go, which stay,
// and that the table reads the same afterwards.
#include "sink/delta/delta_vacuum.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "sink/delta/delta_journal.h"
#include "sink/delta/delta_sink.h"
#include "support/delta_checker.h"
#include "support/duckdb_fixture.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;
using testing::IdNameBatch;

constexpr int64_t kHourMs = 3600 * 1000;

class DeltaVacuumTest : public ::testing::Test {
 protected:
  DeltaVacuumTest() { Reopen(); }

  void Reopen() { sink_ = std::make_unique<DeltaSink>(dir_.path(), DeltaSinkOptions{}, clock_); }

  void Load(const std::string& table, int64_t first, int64_t last, WriteMode mode,
            std::map<std::string, std::string> properties = {}) {
    LoadSpec spec;
    spec.table = table;
    spec.schema = IdNameBatch(first, last).schema();
    spec.mode = mode;
    spec.properties = std::move(properties);
    auto txn = sink_->Begin(table);
    txn->Open(spec).Write(IdNameBatch(first, last));
    txn->Commit(std::nullopt);
  }
  std::vector<std::string> Rows(const std::string& table) {
    return testing::DeltaRows(dir_ / table, "id || '=' || name", "id");
  }
  // Data files (not the log) under the table's folder.
  size_t DataFiles(const std::string& table) {
    size_t n = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir_ / table)) {
      n += e.is_regular_file() && e.path().extension() == ".parquet" &&
           e.path().parent_path().filename() != "_delta_log";
    }
    return n;
  }
  void Later(std::chrono::hours by) { clock_.Advance(by); }

  testing::TempDir dir_;
  FakeClock clock_{SystemClock::Instance().Now()};
  std::unique_ptr<DeltaSink> sink_;
};

TEST_F(DeltaVacuumTest, ReplacedFilesGoOnlyAfterTheRetention) {
  for (int i = 0; i < 3; ++i) Load("t", 1 + i, 3 + i, WriteMode::kReplace);
  auto rows = Rows("t");
  ASSERT_EQ(DataFiles("t"), 3u);
  auto early = sink_->Vacuum("t", VacuumOptions{});
  ASSERT_TRUE(early);
  EXPECT_EQ(early->files_deleted, 0) << "replaced a moment ago: inside the 7 days";
  EXPECT_EQ(early->files_kept, 3);
  Later(std::chrono::hours(24 * 8));
  auto later = sink_->Vacuum("t", VacuumOptions{});
  EXPECT_EQ(later->files_deleted, 2);
  EXPECT_GT(later->bytes_deleted, 0);
  EXPECT_EQ(later->files_kept, 1);
  EXPECT_EQ(DataFiles("t"), 1u);
  EXPECT_EQ(Rows("t"), rows);
  // Versions 0 and 1 can no longer be read (time travel ends at the
  // retention), exactly what the independent reader reports:
  auto problems = testing::CheckDeltaLog(dir_ / "t");
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_THAT(problems[0], ::testing::StartsWith("commit 0: add names a missing file"));
  EXPECT_THAT(problems[1], ::testing::StartsWith("commit 1: add names a missing file"));
}

TEST_F(DeltaVacuumTest, TheTablesRetentionPropertyAndAnExplicitRetentionDecide) {
  std::map<std::string, std::string> props = {
      {"delta.deletedFileRetentionDuration", "interval 2 hours"}};
  Load("t", 1, 2, WriteMode::kReplace, props);
  Load("t", 3, 4, WriteMode::kReplace, props);
  Later(std::chrono::hours(1));
  EXPECT_EQ(sink_->Vacuum("t", VacuumOptions{})->files_deleted, 0);
  VacuumOptions half_hour;
  half_hour.retain_ms = kHourMs / 2;
  half_hour.dry_run = true;
  auto dry = sink_->Vacuum("t", half_hour);
  EXPECT_EQ(dry->files_deleted, 1) << "an explicit retention wins over the property";
  ASSERT_EQ(dry->deleted.size(), 1u);
  EXPECT_EQ(DataFiles("t"), 2u) << "a dry run deletes nothing";
  EXPECT_TRUE(fs::exists(dir_ / dry->deleted[0]));
  Later(std::chrono::hours(2));
  EXPECT_EQ(sink_->Vacuum("t", VacuumOptions{})->files_deleted, 1);
  EXPECT_FALSE(fs::exists(dir_ / dry->deleted[0]));
  EXPECT_EQ(Rows("t"), (std::vector<std::string>{"3=n3", "4=n4"}));
}

TEST_F(DeltaVacuumTest, OrphansGoButHiddenFilesAndAnInterruptedLoadsFilesStay) {
  Load("t", 1, 2, WriteMode::kAppend);
  std::ofstream(dir_ / "t" / "part-orphan-c000.zstd.parquet") << "left by a crashed load";
  fs::create_directories(dir_ / "t" / "_tributary_staging-x");
  std::ofstream(dir_ / "t" / "_tributary_staging-x" / "part.parquet") << "being written";
  std::ofstream(dir_ / "t" / "part-pending-c000.zstd.parquet") << "journaled, not committed";
  TaskRecord record;
  record.version = 2;
  record.complete = false;
  record.previous_version = 1;
  DeltaCommitPlan plan;
  plan.read_version = 0;
  plan.adds.push_back({{"path", "part-pending-c000.zstd.parquet"}, {"size", 24}});
  record.plans["t"] = plan;
  WriteTaskRecord(sink_->store(), "other-task", record);
  Later(std::chrono::hours(24 * 8));
  VacuumOptions options;
  options.dry_run = true;
  auto result = sink_->Vacuum("t", options);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->deleted, std::vector<std::string>{"t/part-orphan-c000.zstd.parquet"});
  EXPECT_TRUE(fs::exists(dir_ / "t" / "_tributary_staging-x")) << "a dry run leaves staging";
}

TEST_F(DeltaVacuumTest, OldLogFilesGoBelowTheNewestOldCheckpointAndTheTableStillOpens) {
  std::map<std::string, std::string> props = {{"delta.checkpointInterval", "3"},
                                              {"delta.logRetentionDuration", "interval 1 days"}};
  for (int i = 0; i < 8; ++i) Load("t", i, i, WriteMode::kAppend, props);  // versions 0-7
  DuckConnection conn = sink_->Connect();
  auto before = ReadDeltaSnapshot(sink_->storage(), "t", conn.get());
  ASSERT_TRUE(before);
  EXPECT_EQ(sink_->Vacuum("t", VacuumOptions{})->log_files_deleted, 0) << "all younger than 1 day";
  Later(std::chrono::hours(48));
  auto result = sink_->Vacuum("t", VacuumOptions{});
  // Checkpoints at 3 and 6: versions below 6 go (commits 0-5, checkpoint 3).
  EXPECT_EQ(result->log_files_deleted, 7);
  fs::path log = dir_ / "t" / "_delta_log";
  EXPECT_FALSE(fs::exists(log / DeltaCommitName(5)));
  EXPECT_FALSE(fs::exists(log / DeltaCheckpointName(3)));
  EXPECT_TRUE(fs::exists(log / DeltaCheckpointName(6)));
  EXPECT_TRUE(fs::exists(log / DeltaCommitName(6)));
  auto after = ReadDeltaSnapshot(sink_->storage(), "t", conn.get());
  ASSERT_TRUE(after);
  EXPECT_EQ(after->version, before->version);
  EXPECT_EQ(after->files.size(), before->files.size());
  Reopen();
  Load("t", 100, 100, WriteMode::kAppend);
  EXPECT_EQ(ReadDeltaSnapshot(sink_->storage(), "t", conn.get())->files.size(), 9u);
}

TEST_F(DeltaVacuumTest, CheckpointsCleanUpTheLogByThemselves) {
  std::map<std::string, std::string> props = {{"delta.checkpointInterval", "2"},
                                              {"delta.logRetentionDuration", "interval 1 days"}};
  for (int i = 0; i < 3; ++i) Load("t", i, i, WriteMode::kAppend, props);  // checkpoint at 2
  fs::path log = dir_ / "t" / "_delta_log";
  EXPECT_TRUE(fs::exists(log / DeltaCommitName(0))) << "younger than the log retention";
  Later(std::chrono::hours(48));
  // Files are dated by the file system, so to the sink's clock every file is
  // now two days old: checkpoint 4 is the newest old one.
  for (int i = 3; i < 5; ++i) Load("t", i, i, WriteMode::kAppend, props);
  for (int v = 0; v < 4; ++v) EXPECT_FALSE(fs::exists(log / DeltaCommitName(v))) << v;
  EXPECT_FALSE(fs::exists(log / DeltaCheckpointName(2)));
  EXPECT_TRUE(fs::exists(log / DeltaCheckpointName(4)));
  EXPECT_TRUE(fs::exists(log / DeltaCommitName(4)));
  DuckConnection conn = sink_->Connect();
  auto snapshot = ReadDeltaSnapshot(sink_->storage(), "t", conn.get());
  ASSERT_TRUE(snapshot);
  EXPECT_EQ(snapshot->version, 4);
  EXPECT_EQ(snapshot->files.size(), 5u);
}

TEST_F(DeltaVacuumTest, TheRunHistoryLosesItsCompactedAwayFilesAndKeepsItsRows) {
  for (int i = 0; i < 70; ++i) {  // more than the 64 files after which records are compacted
    RunRecord run;
    run.run_id = "run-" + std::to_string(i);
    run.status = "succeeded";
    sink_->RecordRun(run);
  }
  size_t before = 0;
  for (const auto& e : fs::directory_iterator(dir_ / "_tributary" / "runs")) {
    before += e.path().extension() == ".parquet";
  }
  ASSERT_GT(before, 64u) << "the compacted-away files are still there";
  EXPECT_EQ(sink_->VacuumRecords(VacuumOptions{}).at(0).second.files_deleted, 0)
      << "inside the retention";
  Later(std::chrono::hours(24 * 8));
  auto results = sink_->VacuumRecords(VacuumOptions{});
  ASSERT_EQ(results.size(), 1u) << "no task_results table was written";
  EXPECT_EQ(results[0].first, "_tributary/runs");
  EXPECT_GE(results[0].second.files_deleted, 64);
  EXPECT_EQ(testing::DeltaRows(dir_ / "_tributary" / "runs", "count(*)", "1"),
            std::vector<std::string>{"70"});
}

TEST_F(DeltaVacuumTest, AMissingTableIsNulloptAndListTablesSkipsTheRecords) {
  EXPECT_FALSE(sink_->Vacuum("none", VacuumOptions{}));
  Load("b", 1, 1, WriteMode::kAppend);
  Load("a", 1, 1, WriteMode::kAppend);
  sink_->RecordRun(RunRecord{});
  EXPECT_EQ(sink_->ListTables(), (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace tributary
