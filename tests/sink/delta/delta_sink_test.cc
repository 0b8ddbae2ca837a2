// DeltaSink: the log it writes (checked by an independent reader), appends,
// replaces, merges that rewrite only affected files, delete windows, schema
// evolution, checkpoints, conflicts and put-if-absent.
#include "sink/delta/delta_sink.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/fault_point.h"
#include "common/files.h"
#include "config/project.h"
#include "engine/connectors.h"
#include "sink/delta/delta_log.h"
#include "support/delta_checker.h"
#include "support/duckdb_fixture.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::IdNameBatch;
using ::testing::IsEmpty;
using testing::MakeSchema;

class DeltaSinkTest : public ::testing::Test {
 protected:
  DeltaSinkTest() : sink_(std::make_unique<DeltaSink>(dir_.path(), DeltaSinkOptions{})) {}

  void Load(const std::string& table, const std::vector<Batch>& batches, WriteMode mode,
            std::optional<std::string> state = std::nullopt, LoadSpec spec = {}) {
    spec.table = table;
    spec.schema = batches.front().schema();
    spec.mode = mode;
    auto txn = sink_->Begin(table);
    auto& writer = txn->Open(spec);
    for (const auto& b : batches) writer.Write(b);
    txn->Commit(state);
  }
  static Batch IdName(int64_t first, int64_t last) { return IdNameBatch(first, last); }
  std::vector<std::string> Rows(const std::string& table) {
    return testing::DeltaRows(dir_ / table, "id || '=' || name", "id");
  }
  std::vector<std::string> Problems(const std::string& table) {
    return testing::CheckDeltaLog(dir_ / table);
  }

  testing::TempDir dir_;
  std::unique_ptr<DeltaSink> sink_;
};

TEST_F(DeltaSinkTest, FirstCommitHasProtocolMetadataAddAndTxn) {
  Load("t", {IdNameBatch(1, 3)}, WriteMode::kReplace, "s1");
  EXPECT_THAT(Problems("t"), IsEmpty());
  EXPECT_THAT(Rows("t"), ElementsAre("1=n1", "2=n2", "3=n3"));
  auto lines = testing::DeltaCommitLines(dir_ / "t", 0);
  ASSERT_GE(lines.size(), 5u);
  EXPECT_TRUE(json::parse(lines[0]).contains("commitInfo"));
  EXPECT_EQ(json::parse(lines[1]),
            json::parse(R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})"));
  json meta = json::parse(lines[2])["metaData"];
  EXPECT_EQ(meta["schemaString"],
            R"({"fields":[{"metadata":{},"name":"id","nullable":true,"type":"long"},)"
            R"({"metadata":{},"name":"name","nullable":true,"type":"string"}],"type":"struct"})");
  EXPECT_EQ(json::parse(lines[3])["txn"]["appId"], "t");
  EXPECT_EQ(json::parse(lines[3])["txn"]["version"], 1);
  EXPECT_EQ(sink_->ReadState("t"), "s1");
}

TEST_F(DeltaSinkTest, AppendAddsFilesAndReplaceRemovesEveryOldOne) {
  Load("t", {IdNameBatch(1, 2)}, WriteMode::kAppend);
  Load("t", {IdNameBatch(3, 4)}, WriteMode::kAppend);
  EXPECT_THAT(Rows("t"), ElementsAre("1=n1", "2=n2", "3=n3", "4=n4"));
  Load("t", {IdNameBatch(10, 10)}, WriteMode::kReplace);
  EXPECT_THAT(Rows("t"), ElementsAre("10=n10"));
  EXPECT_THAT(Problems("t"), IsEmpty());
}

TEST_F(DeltaSinkTest, RowsStreamIntoAFileEveryTargetSizeAndAFailedLoadLeavesNoFile) {
  DeltaSinkOptions options;
  options.target_file_bytes = 64 << 10;
  sink_ = std::make_unique<DeltaSink>(dir_.path(), options);
  auto data_files = [&] {
    size_t n = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir_ / "t")) {
      n += e.path().extension() == ".parquet" ? 1 : 0;
    }
    return n;
  };
  std::vector<Batch> batches;
  for (int64_t i = 0; i < 10; ++i) batches.push_back(IdName(i * 2000 + 1, (i + 1) * 2000));
  Load("t", batches, WriteMode::kReplace);
  EXPECT_THAT(Problems("t"), IsEmpty());
  std::vector<std::string> rows = Rows("t");
  ASSERT_EQ(rows.size(), 20000u);
  EXPECT_EQ(rows.front(), "1=n1");
  EXPECT_EQ(rows.back(), "20000=n20000");
  size_t files = data_files();
  EXPECT_GE(files, 4u) << "one COPY per ~64 KB of rows, not one for the whole load";
  EXPECT_EQ(testing::DeltaLiveAdds(dir_ / "t").size(), files);

  // A replace whose fourth batch holds text that is not UTF-8: the COPY
  // writing it fails, the files of the COPYs before it are deleted, and the
  // table keeps its version.
  Batch bad = IdName(100001, 100010);
  bad.column(0).Append<int64_t>(100011);
  bad.column(1).AppendBytes("caf\xE9");
  batches.insert(batches.begin() + 3, bad);
  {
    LoadSpec spec;
    spec.table = "t";
    spec.schema = batches.front().schema();
    spec.mode = WriteMode::kReplace;
    auto txn = sink_->Begin("t");
    auto& writer = txn->Open(spec);
    EXPECT_THAT(
        [&] {
          for (const auto& b : batches) writer.Write(b);
          txn->Commit(std::nullopt);
        },
        ::testing::ThrowsMessage<SinkError>(
            HasSubstr("column 'name' row 6011: text is not valid UTF-8")));
  }
  EXPECT_EQ(Rows("t").size(), 20000u);
  EXPECT_EQ(data_files(), files);
  EXPECT_THAT(Problems("t"), IsEmpty());
}

TEST_F(DeltaSinkTest, CompactMergesSmallFilesWithoutChangingTheRows) {
  for (int64_t i = 0; i < 5; ++i) Load("t", {IdName(i * 10 + 1, i * 10 + 3)}, WriteMode::kAppend);
  ASSERT_EQ(testing::DeltaLiveAdds(dir_ / "t").size(), 5u);
  auto before = Rows("t");
  auto result = sink_->Compact("t");
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->files_before, 5);
  EXPECT_EQ(result->files_after, 1);
  EXPECT_EQ(Rows("t"), before);
  EXPECT_THAT(Problems("t"), IsEmpty());
  auto commit = testing::DeltaCommitLines(dir_ / "t", 5);
  ASSERT_FALSE(commit.empty());
  EXPECT_THAT(commit[0], HasSubstr(R"("operation":"OPTIMIZE")"));
  for (const auto& line : commit) {
    if (line.find("\"add\"") != std::string::npos || line.find("\"remove\"") != std::string::npos) {
      EXPECT_THAT(line, HasSubstr(R"("dataChange":false)"));
    }
  }
  EXPECT_EQ(sink_->Compact("t")->files_rewritten, 0);  // nothing small left to merge
  EXPECT_FALSE(sink_->Compact("missing").has_value());
  // A table being loaded is left alone.
  auto txn = sink_->Begin("t");
  txn->Open(LoadSpec{"t", IdNameBatch(1, 1).schema(), WriteMode::kAppend});
  EXPECT_THAT([&] { sink_->Compact("t"); },
              ::testing::ThrowsMessage<SinkError>(HasSubstr("being loaded")));
}

// Rows of (id bigint, day date, name text); `day` is days since 1970-01-01.
Batch DayRows(int64_t first, int64_t last, int32_t day, const std::string& prefix = "n") {
  Batch b(
      MakeSchema({{"id", {TypeId::kInt64}}, {"day", {TypeId::kDate}}, {"name", {TypeId::kText}}}));
  for (int64_t i = first; i <= last; ++i) {
    b.column(0).Append<int64_t>(i);
    b.column(1).Append<int32_t>(day);
    b.column(2).AppendBytes(prefix + std::to_string(i));
  }
  return b;
}

int Count(const std::vector<std::string>& lines, const std::string& kind) {
  int n = 0;
  for (const auto& line : lines) n += line.rfind("{\"" + kind + "\"", 0) == 0;
  return n;
}

TEST_F(DeltaSinkTest, MergeRewritesOnlyTheFilesHoldingStagedKeys) {
  for (int64_t first : {1, 11, 21}) Load("m", {IdName(first, first + 9)}, WriteMode::kAppend);
  Batch change(
      MakeSchema({{"id", {TypeId::kInt64}}, {"name", {TypeId::kText}}, {"gone", {TypeId::kBool}}}));
  for (auto [id, name, gone] : std::vector<std::tuple<int64_t, const char*, bool>>{
           {15, "fifteen", false}, {16, "", true}, {40, "forty", false}}) {
    change.column(0).Append<int64_t>(id);
    change.column(1).AppendBytes(name);
    change.column(2).Append<uint8_t>(gone ? 1 : 0);
  }
  LoadSpec merge;
  merge.key = {"id"};
  merge.delete_marker = "gone";
  Load("m", {change}, WriteMode::kMerge, std::nullopt, merge);
  auto commit = testing::DeltaCommitLines(dir_ / "m", 3);
  EXPECT_EQ(Count(commit, "remove"), 1) << "only the file of keys 11..20 is rewritten";
  EXPECT_EQ(Count(commit, "add"), 2);  // the rewritten file and the new rows
  auto rows = Rows("m");
  ASSERT_EQ(rows.size(), 30u);
  EXPECT_EQ(rows[13], "14=n14");
  EXPECT_EQ(rows[14], "15=fifteen");
  EXPECT_EQ(rows[15], "17=n17");
  EXPECT_EQ(rows.back(), "40=forty");
  EXPECT_THAT(Problems("m"), IsEmpty());
}

TEST_F(DeltaSinkTest, DeleteWindowDropsWholePartitionsWithoutReadingThem) {
  LoadSpec spec;
  spec.partition_by = {"day"};
  for (int32_t day : {19723, 19724, 19725}) {  // 2024-01-01 .. 03
    Load("p", {DayRows(day * 10, day * 10 + 4, day)}, WriteMode::kAppend, std::nullopt, spec);
  }
  spec.delete_window = DeleteWindow{"day", "2024-01-02"};
  Load("p", {DayRows(1, 3, 19724, "again"), DayRows(4, 4, 19726, "again")}, WriteMode::kAppend,
       std::nullopt, spec);
  auto commit = testing::DeltaCommitLines(dir_ / "p", 3);
  EXPECT_EQ(Count(commit, "remove"), 2);
  EXPECT_EQ(Count(commit, "add"), 2);  // the new rows only, one file per day
  EXPECT_THAT(testing::DeltaRows(dir_ / "p", "CAST(day AS VARCHAR) || ' ' || name", "id"),
              ElementsAre("2024-01-02 again1", "2024-01-02 again2", "2024-01-02 again3",
                          "2024-01-04 again4", "2024-01-01 n197230", "2024-01-01 n197231",
                          "2024-01-01 n197232", "2024-01-01 n197233", "2024-01-01 n197234"));
  EXPECT_THAT(Problems("p"), IsEmpty());
  EXPECT_THAT(commit[2], HasSubstr(R"("partitionValues":{"day":"2024-01-02"})"));
}

TEST_F(DeltaSinkTest, WideningATypeRewritesEveryFileAndKeepsTheProtocol) {
  Batch narrow(MakeSchema({{"id", {TypeId::kInt32}}, {"name", {TypeId::kText}}}));
  narrow.column(0).Append<int32_t>(1);
  narrow.column(1).AppendBytes("n1");
  Load("w", {narrow}, WriteMode::kAppend);
  Load("w", {IdName(5'000'000'000, 5'000'000'000)}, WriteMode::kAppend);
  auto commit = testing::DeltaCommitLines(dir_ / "w", 1);
  EXPECT_EQ(Count(commit, "protocol"), 0);
  EXPECT_EQ(Count(commit, "remove"), 1);
  EXPECT_EQ(Count(commit, "add"), 2);
  EXPECT_THAT(commit[1], HasSubstr(R"(\"name\":\"id\",\"nullable\":true,\"type\":\"long\")"));
  EXPECT_THAT(Rows("w"), ElementsAre("1=n1", "5000000000=n5000000000"));
  EXPECT_THAT(Problems("w"), IsEmpty());
}

TEST_F(DeltaSinkTest, StatsFollowTheProtocol) {
  Batch b(MakeSchema({{"ts", {TypeId::kTimestampTz}},
                      {"s", {TypeId::kText}},
                      {"d", DataType::Decimal(18, 3)},
                      {"f", {TypeId::kFloat64}}}));
  b.column(0).Append<int64_t>(1'714'566'896'123'999);
  b.column(1).AppendBytes(std::string(40, 'z'));
  b.column(2).Append<Int128>(Int128{123456789012345678});
  b.column(3).Append<double>(std::nan(""));
  b.column(0).AppendNull();
  b.column(1).AppendBytes("abc");
  b.column(2).Append<Int128>(-5);
  b.column(3).Append<double>(1.5);
  Load("s", {b}, WriteMode::kReplace);
  auto adds = testing::DeltaLiveAdds(dir_ / "s");
  ASSERT_EQ(adds.size(), 1u);
  json stats = json::parse(json::parse(adds[0])["stats"].get<std::string>());
  EXPECT_EQ(stats["numRecords"], 2);
  EXPECT_EQ(stats["minValues"]["ts"], "2024-05-01T12:34:56.123Z");
  EXPECT_EQ(stats["nullCount"]["ts"], 1);
  EXPECT_EQ(stats["minValues"]["s"], "abc");
  EXPECT_FALSE(stats["maxValues"].contains("s")) << "a cut maximum would be wrong";
  EXPECT_NE(json::parse(adds[0])["stats"].get<std::string>().find("123456789012345.678"),
            std::string::npos)
      << "decimals keep every digit";
  EXPECT_FALSE(stats["minValues"].contains("f")) << "no bounds for a column with NaN";
  EXPECT_THAT(Problems("s"), IsEmpty());
}

TEST_F(DeltaSinkTest, CheckpointsAreWrittenAndEnoughToReadTheTable) {
  for (int64_t i = 1; i <= 11; ++i) Load("c", {IdName(i, i)}, WriteMode::kAppend, "s");
  fs::path log = dir_ / "c" / "_delta_log";
  ASSERT_TRUE(fs::exists(log / "00000000000000000010.checkpoint.parquet"));
  json last = json::parse(*ReadWholeFile(log / "_last_checkpoint"));
  EXPECT_EQ(last["version"], 10);
  EXPECT_EQ(last["numOfAddFiles"], 11);
  DuckConnection conn = sink_->Connect();
  auto full = ReadDeltaSnapshot(sink_->storage(), "c", conn.get());
  for (int v = 0; v < 10; ++v) fs::remove(log / DeltaCommitName(v));
  auto from_checkpoint = ReadDeltaSnapshot(sink_->storage(), "c", conn.get());
  ASSERT_TRUE(full && from_checkpoint);
  EXPECT_EQ(from_checkpoint->version, 10);
  EXPECT_EQ(from_checkpoint->metadata, full->metadata);
  EXPECT_EQ(from_checkpoint->protocol, full->protocol);
  EXPECT_EQ(from_checkpoint->txns, full->txns);
  ASSERT_EQ(from_checkpoint->files.size(), full->files.size());
  for (const auto& [path, add] : full->files) {
    EXPECT_EQ(from_checkpoint->files.at(path)["stats"], add["stats"]);
  }
  sink_ = std::make_unique<DeltaSink>(dir_.path(), DeltaSinkOptions{});
  Load("c", {IdName(12, 12)}, WriteMode::kAppend, "s12");
  EXPECT_EQ(sink_->ReadState("c"), "s12");
  EXPECT_EQ(ReadDeltaSnapshot(sink_->storage(), "c", conn.get())->files.size(), 12u);
}

// Another engine appends between tributary's read of the log and its commit.
void CommitFromAnotherWriter(const fs::path& table) {
  auto adds = testing::DeltaLiveAdds(table);
  json add = json::parse(adds.front());
  std::string copy = "other-" + add["path"].get<std::string>();
  fs::copy_file(table / add["path"].get<std::string>(), table / copy);
  add["path"] = copy;
  DeltaSnapshot snapshot;
  int64_t next = 0;
  while (fs::exists(table / "_delta_log" / DeltaCommitName(next))) ++next;
  std::string content = json{{"commitInfo", {{"timestamp", 1}, {"operation", "WRITE"}}}}.dump() +
                        "\n" + json{{"add", add}}.dump() + "\n";
  ASSERT_TRUE(PublishIfAbsent(table / "_delta_log" / DeltaCommitName(next), content));
}

TEST_F(DeltaSinkTest, AConcurrentAppendByAnotherWriterIsCommittedOnTopOf) {
  Load("t", {IdName(1, 2)}, WriteMode::kAppend);
  auto txn = sink_->Begin("t");
  txn->Open(LoadSpec{"t", IdNameBatch(1, 1).schema(), WriteMode::kAppend}).Write(IdName(3, 3));
  CommitFromAnotherWriter(dir_ / "t");
  txn->Commit("after");
  EXPECT_THAT(Rows("t"), ElementsAre("1=n1", "1=n1", "2=n2", "2=n2", "3=n3"));
  EXPECT_TRUE(fs::exists(dir_ / "t" / "_delta_log" / DeltaCommitName(2)));
  EXPECT_THAT(Problems("t"), IsEmpty());
  EXPECT_EQ(sink_->ReadState("t"), "after");
}

TEST_F(DeltaSinkTest, AMergeRacingAnotherWriterFailsWithoutCommitting) {
  Load("t", {IdName(1, 2)}, WriteMode::kAppend, "before");
  LoadSpec merge{"t", IdNameBatch(1, 1).schema(), WriteMode::kMerge};
  merge.key = {"id"};
  auto txn = sink_->Begin("t");
  txn->Open(merge).Write(IdName(2, 2));
  CommitFromAnotherWriter(dir_ / "t");
  EXPECT_THAT([&] { txn->Commit("merged"); },
              ::testing::ThrowsMessage<SinkError>(HasSubstr("another writer committed version 1")));
  txn.reset();
  EXPECT_EQ(sink_->ReadState("t"), "before");
  EXPECT_FALSE(fs::exists(dir_ / "t" / "_delta_log" / DeltaCommitName(2)));
  EXPECT_THAT(Problems("t"), IsEmpty());
}

TEST_F(DeltaSinkTest, RefusesTablesUsingFeaturesItDoesNotWrite) {
  fs::create_directories(dir_ / "dv" / "_delta_log");
  std::ofstream(dir_ / "dv" / "_delta_log" / DeltaCommitName(0))
      << R"({"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["deletionVectors"],"writerFeatures":["deletionVectors"]}})"
      << "\n"
      << R"({"metaData":{"id":"x","format":{"provider":"parquet","options":{}},"schemaString":"{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]}","partitionColumns":[],"configuration":{}}})"
      << "\n";
  EXPECT_THAT([&] { Load("dv", {IdName(1, 1)}, WriteMode::kAppend); },
              ::testing::ThrowsMessage<SinkError>(HasSubstr("deletionVectors")));
}

TEST_F(DeltaSinkTest, TimestampNtzOnRequest) {
  DeltaSinkOptions options;
  options.timestamp_ntz = true;
  sink_ = std::make_unique<DeltaSink>(dir_.path(), options);
  Batch b(MakeSchema({{"id", {TypeId::kInt64}}, {"ts", {TypeId::kTimestamp}}}));
  b.column(0).Append<int64_t>(1);
  b.column(1).Append<int64_t>(1'714'566'896'123'456);
  Load("n", {b}, WriteMode::kReplace);
  auto lines = testing::DeltaCommitLines(dir_ / "n", 0);
  EXPECT_THAT(lines[1], HasSubstr(R"("minReaderVersion":3)"));
  EXPECT_THAT(lines[1], HasSubstr(R"("readerFeatures":["timestampNtz"])"));
  EXPECT_THAT(lines[2], HasSubstr(R"(timestamp_ntz)"));
  EXPECT_EQ(sink_->DescribeTable("n")->fields[1].type.id, TypeId::kTimestamp);
  EXPECT_THAT(testing::DeltaRows(dir_ / "n", "CAST(ts AS VARCHAR)", "id"),
              ElementsAre("2024-05-01 12:34:56.123456"));
  EXPECT_THAT(Problems("n"), IsEmpty());
}

TEST_F(DeltaSinkTest, RunRecordsAreDeltaTablesToo) {
  TimePoint t0 = FromMicros(1'700'000'000'000'000);
  sink_->RecordRun(RunRecord{"r1", t0, std::nullopt, "running", "run", 1, 0});
  sink_->RecordTaskResult(TaskResult{"r1", "orders", "full", "shop", "shop.db", "orders", "hourly",
                                     t0, t0, 10, 100, "succeeded", ""});
  sink_->RecordTaskResult(TaskResult{"r2", "orders", "full", "shop", "shop.db", "orders", "hourly",
                                     t0 + std::chrono::seconds(9), t0 + std::chrono::seconds(10), 0,
                                     0, "failed", "boom"});
  auto history = sink_->ReadHistory();
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].last_attempt->error, "boom");
  EXPECT_EQ(history[0].last_success->rows, 10);
  EXPECT_EQ(history[0].last_success->started_at, t0);
  EXPECT_THAT(testing::CheckDeltaLog(dir_ / "_tributary" / "runs"), IsEmpty());
  EXPECT_THAT(testing::CheckDeltaLog(dir_ / "_tributary" / "task_results"), IsEmpty());
}

// docs/state.md: one row per run. The row written when a run starts is
// replaced, in the same commit that adds the final one, when it ends.
TEST_F(DeltaSinkTest, EachRunIsOneRowOfTheRunsTableAfterEveryCommit) {
  TimePoint t0 = FromMicros(1'700'000'000'000'000);
  const fs::path runs = dir_ / "_tributary" / "runs";
  auto rows = [&] { return testing::DeltaRows(runs, "run_id || ' ' || status", "run_id"); };
  sink_->RecordRun(RunRecord{"r1", t0, std::nullopt, "running", "run", 2, 0});
  EXPECT_THAT(rows(), ElementsAre("r1 running"));
  sink_->RecordRun(
      RunRecord{"r2", t0 + std::chrono::seconds(1), std::nullopt, "running", "run", 1, 0});
  EXPECT_THAT(rows(), ElementsAre("r1 running", "r2 running"));
  sink_->RecordRun(RunRecord{"r1", t0, t0 + std::chrono::seconds(5), "failed", "run", 2, 1});
  EXPECT_THAT(rows(), ElementsAre("r1 failed", "r2 running"));
  auto last = testing::DeltaCommitLines(runs, 2);
  int adds = 0, removes = 0;
  for (const auto& line : last) {
    adds += line.rfind(R"({"add")", 0) == 0;
    removes += line.rfind(R"({"remove")", 0) == 0;
  }
  EXPECT_EQ(adds, 1) << "the final row in the commit that retires the first";
  EXPECT_EQ(removes, 1);
  sink_->RecordRun(RunRecord{"r2", t0 + std::chrono::seconds(1), t0 + std::chrono::seconds(3),
                             "succeeded", "run", 1, 0});
  EXPECT_THAT(rows(), ElementsAre("r1 failed", "r2 succeeded"));
  EXPECT_THAT(testing::CheckDeltaLog(runs), IsEmpty());
  auto read = sink_->ReadRuns({});
  ASSERT_EQ(read.size(), 2u);
  EXPECT_EQ(read[0].run_id, "r2");
  EXPECT_EQ(read[0].ended_at, t0 + std::chrono::seconds(3));
}

// Dying while a run's end is recorded (before or after the commit is
// published) leaves one row for the run: the running one, or the final one.
TEST_F(DeltaSinkTest, DyingWhileRecordingARunsEndLeavesOneRowForIt) {
  TimePoint t0 = FromMicros(1'700'000'000'000'000);
  const fs::path runs = dir_ / "_tributary" / "runs";
  static std::string armed;
  SetFaultHandler([](std::string_view point) {
    if (point == armed) throw std::runtime_error("died at " + std::string(point));
  });
  for (const std::string point : {"delta.before_publish", "delta.after_publish"}) {
    std::string id = "r-" + point;
    armed.clear();
    sink_->RecordRun(RunRecord{id, t0, std::nullopt, "running", "run", 1, 0});
    armed = point;
    EXPECT_THROW(
        sink_->RecordRun(RunRecord{id, t0, t0 + std::chrono::seconds(1), "succeeded", "run", 1, 0}),
        std::runtime_error);
    armed.clear();
    sink_ = std::make_unique<DeltaSink>(dir_.path(), DeltaSinkOptions{});  // a new process
    std::vector<std::string> mine;
    for (const auto& row : testing::DeltaRows(runs, "run_id || ' ' || status", "run_id")) {
      if (row.rfind(id + " ", 0) == 0) mine.push_back(row);
    }
    EXPECT_THAT(mine,
                ElementsAre(id + (point == "delta.before_publish" ? " running" : " succeeded")));
  }
  SetFaultHandler(nullptr);
  EXPECT_THAT(testing::CheckDeltaLog(runs), IsEmpty());
}

// Many runs, compaction included: still one row per run, none lost.
TEST_F(DeltaSinkTest, RunRowsStayOneEachThroughCompaction) {
  TimePoint t0 = FromMicros(1'700'000'000'000'000);
  for (int i = 0; i < 70; ++i) {
    std::string id = fmt::format("r{:03}", i);
    TimePoint at = t0 + std::chrono::seconds(i);
    sink_->RecordRun(RunRecord{id, at, std::nullopt, "running", "run", 1, 0});
    sink_->RecordRun(
        RunRecord{id, at, at + std::chrono::milliseconds(500), "succeeded", "run", 1, 0});
  }
  const fs::path runs = dir_ / "_tributary" / "runs";
  EXPECT_THAT(testing::DeltaRows(runs, "count(*) || ' ' || count(DISTINCT run_id)", "1"),
              ElementsAre("70 70"));
  EXPECT_THAT(testing::DeltaRows(runs, "count(*)", "1"), ElementsAre("70"));
  EXPECT_THAT(testing::DeltaRows(runs, "count(*) FILTER (WHERE status = 'succeeded')", "1"),
              ElementsAre("70"));
  EXPECT_THAT(testing::CheckDeltaLog(runs), IsEmpty());
}

TEST(LocalFilesTest, PublishIfAbsentNeverOverwrites) {
  testing::TempDir dir;
  EXPECT_TRUE(PublishIfAbsent(dir / "c.json", "first"));
  EXPECT_FALSE(PublishIfAbsent(dir / "c.json", "second"));
  EXPECT_EQ(*ReadWholeFile(dir / "c.json"), "first");
  int files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1) << "no temporary file is left behind";
}

}  // namespace
}  // namespace tributary

namespace tributary {
namespace {

TEST(DeltaOpenSinkTest, OpensTheDeltaKindWithItsSettings) {
  testing::TempDir dir;
  Project project;
  project.dir = dir.path();
  project.sink.kind = "delta";
  project.sink.path = "lake";
  project.sink.settings = {{"target_file_mb", "16"}, {"timestamp_ntz", "true"}, {"threads", "3"}};
  project.sink.table_properties = {{"delta.appendOnly", "false"}};
  auto sink = OpenSink(project);
  auto* delta = dynamic_cast<DeltaSink*>(sink.get());
  ASSERT_NE(delta, nullptr);
  EXPECT_EQ(delta->options().target_file_bytes, 16 << 20);
  EXPECT_TRUE(delta->options().timestamp_ntz);
  EXPECT_EQ(delta->options().table_properties.at("delta.appendOnly"), "false");
  EXPECT_TRUE(std::filesystem::is_directory(dir / "lake" / "_tributary"));
  {
    DuckConnection conn = delta->Connect();
    DuckResult threads = DuckExec(conn.get(), "SELECT current_setting('threads')", "setting");
    EXPECT_EQ(ResultText(threads, 0, 0), "3");
  }
  sink.reset();
  project.sink.settings["threads"] = "none";
  EXPECT_THAT([&] { OpenSink(project); }, ::testing::ThrowsMessage<SinkError>(
                                              ::testing::HasSubstr("delta sink's threads 'none'")));
  project.sink.settings["threads"] = "2";
  project.sink.settings["target_file_mb"] = "lots";
  EXPECT_THROW(OpenSink(project), SinkError);
}

}  // namespace
}  // namespace tributary
