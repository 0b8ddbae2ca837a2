// The Sink contract (sink/sink.h), one suite run unchanged against every
// sink: type round trip, append, replace visibility under a concurrent
// reader, merge (delete markers, last row wins), delete windows, schema
// evolution, state committed with the data, multi-table transactions,
// rollback, and crashes in the middle of a commit.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>

#include "common/error.h"
#include "common/fault_point.h"
#include "common/log.h"
#include "support/sink_harness.h"

namespace tributary {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::SinkHarness;

std::shared_ptr<const Schema> MakeSchema(std::vector<Field> fields) {
  return std::make_shared<const Schema>(Schema{std::move(fields)});
}

Batch IdName(int64_t first, int64_t last, const std::string& prefix = "n") {
  Batch batch(MakeSchema({{"id", {TypeId::kInt64}}, {"name", {TypeId::kText}}}));
  for (int64_t i = first; i <= last; ++i) {
    batch.column(0).Append<int64_t>(i);
    batch.column(1).AppendBytes(prefix + std::to_string(i));
  }
  return batch;
}

// One column of every logical type; rows: ordinary values, all NULL, edges.
Batch EveryType() {
  Batch b(MakeSchema({{"k", {TypeId::kInt32}},
                      {"b", {TypeId::kBool}},
                      {"i16", {TypeId::kInt16}},
                      {"i64", {TypeId::kInt64}},
                      {"f32", {TypeId::kFloat32}},
                      {"f64", {TypeId::kFloat64}},
                      {"d", DataType::Decimal(12, 2)},
                      {"d38", DataType::Decimal(38, 6)},
                      {"t", {TypeId::kText}},
                      {"by", {TypeId::kBytes}},
                      {"j", {TypeId::kJson}},
                      {"dt", {TypeId::kDate}},
                      {"tm", {TypeId::kTime}},
                      {"ts", {TypeId::kTimestamp}},
                      {"tz", {TypeId::kTimestampTz}},
                      {"iv", {TypeId::kInterval}},
                      {"u", {TypeId::kUuid}}}));
  Int128 big = 1;
  for (int i = 0; i < 37; ++i) big *= 10;
  Uuid u{{0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee,
          0xff}};
  // Row 1: ordinary values.
  b.column(0).Append<int32_t>(1);
  b.column(1).Append<uint8_t>(1);
  b.column(2).Append<int16_t>(-32768);
  b.column(3).Append<int64_t>(INT64_MIN);
  b.column(4).Append<float>(0.5f);
  b.column(5).Append<double>(0.1);
  b.column(6).Append<Int128>(1234567890);
  b.column(7).Append<Int128>(-big * 9 + 1);
  b.column(8).AppendBytes("Åse 🙂 'quoted' \"x\"");
  b.column(9).AppendBytes(std::string("\x00\xff\x10", 3));
  b.column(10).AppendBytes(R"({"a":[1,2]})");
  b.column(11).Append<int32_t>(19844);                   // 2024-05-01
  b.column(12).Append<int64_t>(45'296'789'000);          // 12:34:56.789
  b.column(13).Append<int64_t>(1'714'566'896'123'456);   // 2024-05-01 12:34:56.123456
  b.column(14).Append<int64_t>(-2'208'988'800'000'000);  // 1900-01-01
  b.column(15).Append<Interval>(Interval{14, 3, 3'723'000'004});
  b.column(16).Append<Uuid>(u);
  // Row 2: NULL everywhere but the key.
  b.column(0).Append<int32_t>(2);
  for (size_t c = 1; c < b.num_columns(); ++c) b.column(c).AppendNull();
  // Row 3: edges.
  b.column(0).Append<int32_t>(3);
  b.column(1).Append<uint8_t>(0);
  b.column(2).Append<int16_t>(32767);
  b.column(3).Append<int64_t>(INT64_MAX);
  b.column(4).Append<float>(-1e30f);
  b.column(5).Append<double>(-2.5e-300);
  b.column(6).Append<Int128>(-1);
  b.column(7).Append<Int128>(0);
  b.column(8).AppendBytes("");
  b.column(9).AppendBytes("");
  b.column(10).AppendBytes("[]");
  b.column(11).Append<int32_t>(-1);                       // 1969-12-31
  b.column(12).Append<int64_t>(86'399'999'999);           // 23:59:59.999999
  b.column(13).Append<int64_t>(253'402'300'799'999'999);  // 9999-12-31 23:59:59.999999
  b.column(14).Append<int64_t>(0);
  b.column(15).Append<Interval>(Interval{-1, 0, -1'500'000});
  u.bytes[0] = 0xff;
  b.column(16).Append<Uuid>(u);
  return b;
}

class SinkContractTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    h_ = testing::OpenHarness(GetParam());
    if (!h_) {
      std::string why = testing::HarnessMissing(GetParam());
      const char* ci = std::getenv("CI");
      if (ci != nullptr && std::string(ci) == "true") FAIL() << why;
      GTEST_SKIP() << why;
    }
  }

  Sink& sink() { return h_->sink(); }

  void Load(const std::string& table, const std::vector<Batch>& batches, WriteMode mode,
            std::optional<std::string> state = std::nullopt, LoadSpec spec = {}) {
    spec.table = table;
    spec.schema = batches.front().schema();
    spec.mode = mode;
    auto txn = sink().Begin(table);
    auto& writer = txn->Open(spec);
    for (const auto& b : batches) writer.Write(b);
    txn->Commit(state);
  }
  std::vector<std::string> Rows(const std::string& table) {
    return h_->Rows(table, {"id", "name"}, "id");
  }

  std::unique_ptr<SinkHarness> h_;
};

TEST_P(SinkContractTest, EveryTypeRoundTrips) {
  Batch batch = EveryType();
  Load("every", {batch}, WriteMode::kReplace, "done");
  auto schema = sink().DescribeTable("every");
  ASSERT_TRUE(schema.has_value());
  ASSERT_EQ(schema->fields.size(), batch.num_columns());
  for (size_t c = 0; c < batch.num_columns(); ++c) {
    const Field& f = batch.schema().fields[c];
    EXPECT_EQ(schema->fields[c].name, f.name);
    EXPECT_EQ(TypeName(schema->fields[c].type), TypeName(h_->Stored(f.type))) << f.name;
    std::vector<std::string> expected;
    for (size_t r = 0; r < batch.num_rows(); ++r) {
      expected.push_back(h_->Expected(batch.column(c), r));
    }
    EXPECT_EQ(h_->Rows("every", {f.name}, "k"), expected) << f.name;
  }
  EXPECT_EQ(sink().ReadState("every"), "done");
}

// The identity a cdc slot is bound to: created once, kept across restarts,
// different for another sink.
TEST_P(SinkContractTest, IdentityIsCreatedOnceAndKept) {
  std::string id = sink().Identity();
  EXPECT_EQ(id.size(), 32u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
  EXPECT_EQ(sink().Identity(), id);
  h_->Reopen();
  EXPECT_EQ(sink().Identity(), id);
  auto other = testing::OpenHarness(GetParam());
  ASSERT_NE(other, nullptr);
  EXPECT_NE(other->sink().Identity(), id);
}

// What a cdc run reads back to fill a value the source left out (cdc.md,
// "Large values"): per key, the newest row among the filtered ones, NULLs as
// NULL, keys and tables that are not there absent.
TEST_P(SinkContractTest, LatestValuesReadsEachKeysNewestRow) {
  LatestValues* latest = sink().latest_values();
  ASSERT_NE(latest, nullptr);
  Batch history(MakeSchema({{"id", {TypeId::kInt64}},
                            {"seq", {TypeId::kInt64}},
                            {"op", {TypeId::kText}},
                            {"body", {TypeId::kText}}}));
  auto row = [&](int64_t id, int64_t seq, const char* op, std::optional<std::string> body) {
    history.column(0).Append<int64_t>(id);
    history.column(1).Append<int64_t>(seq);
    history.column(2).AppendBytes(op);
    body ? history.column(3).AppendBytes(*body) : history.column(3).AppendNull();
  };
  row(1, 3, "update", "a3");
  row(1, 1, "insert", "a1");
  row(1, 4, "delete", std::nullopt);  // newest, but filtered out
  row(2, 1, "insert", "b1");
  row(2, 7, "before", "b-old");  // filtered out
  row(3, 2, "update", std::nullopt);
  row(3, 1, "snapshot", "c1");
  Load("h", {history}, WriteMode::kAppend);
  Load("h", {IdName(1, 1, "x")}, WriteMode::kAppend);  // a row of another shape: body NULL

  LatestRequest request{"h",
                        {"id"},
                        {"body", "op"},
                        {{"1"}, {"2"}, {"3"}, {"9"}},
                        {"seq"},
                        "op",
                        {"insert", "update", "snapshot"}};
  LatestRows rows = latest->Latest(request);
  using Values = std::vector<std::optional<std::string>>;
  EXPECT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[{"1"}], (Values{"a3", "update"}));
  EXPECT_EQ(rows[{"2"}], (Values{"b1", "insert"}));
  EXPECT_EQ(rows[{"3"}], (Values{std::nullopt, "update"}));
  EXPECT_EQ(rows.count({"9"}), 0u);

  // A current table: one row per key, no order.
  Load("c", {IdName(1, 3)}, WriteMode::kReplace);
  rows = latest->Latest(LatestRequest{"c", {"id"}, {"name"}, {{"2"}, {"4"}}});
  EXPECT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[{"2"}], (Values{"n2"}));

  EXPECT_TRUE(latest->Latest(LatestRequest{"no_such_table", {"id"}, {"name"}, {{"1"}}}).empty());
}

TEST_P(SinkContractTest, AppendAddsRowsAndCreatesTheTable) {
  EXPECT_FALSE(sink().DescribeTable("t").has_value());
  Load("t", {IdName(1, 2)}, WriteMode::kAppend);
  Load("t", {IdName(3, 3), IdName(4, 5)}, WriteMode::kAppend);
  EXPECT_THAT(Rows("t"), ElementsAre("1|n1", "2|n2", "3|n3", "4|n4", "5|n5"));
}

TEST_P(SinkContractTest, ReplaceShowsAConcurrentReaderTheOldTableOrTheNew) {
  constexpr int64_t kOld = 30'000, kNew = 45'000;
  Load("big", {IdName(1, kOld)}, WriteMode::kReplace);
  std::atomic<bool> done{false};
  std::set<size_t> seen;
  std::thread reader([&] {
    for (bool last = false; !last;) {
      last = done.load();
      seen.insert(h_->Rows("big", {"id"}, "id").size());
    }
  });
  std::vector<Batch> batches;
  for (int64_t i = 1; i <= kNew; i += 5'000) batches.push_back(IdName(i, i + 4'999, "new"));
  Load("big", batches, WriteMode::kReplace);
  done = true;
  reader.join();
  EXPECT_TRUE(seen.count(kNew) == 1);
  for (size_t n : seen) EXPECT_TRUE(n == kOld || n == kNew) << "reader saw " << n << " rows";
  EXPECT_EQ(h_->Rows("big", {"name"}, "id").front(), "new1");
}

TEST_P(SinkContractTest, MergeUpsertsByKeyAndTheLastRowForAKeyWins) {
  LoadSpec merge;
  merge.key = {"id"};
  Load("m", {IdName(1, 3)}, WriteMode::kMerge, std::nullopt, merge);
  Batch update(MakeSchema({{"id", {TypeId::kInt64}}, {"name", {TypeId::kText}}}));
  for (auto [id, name] :
       std::vector<std::pair<int64_t, const char*>>{{2, "first"}, {4, "new"}, {2, "second"}}) {
    update.column(0).Append<int64_t>(id);
    update.column(1).AppendBytes(name);
  }
  Load("m", {update, IdName(2, 2, "last")}, WriteMode::kMerge, std::nullopt, merge);
  EXPECT_THAT(Rows("m"), ElementsAre("1|n1", "2|last2", "3|n3", "4|new"));
}

TEST_P(SinkContractTest, MergeDeleteMarkerDeletesTheKeyAndIsNotStored) {
  auto changes = [](std::vector<std::tuple<int64_t, std::string, bool>> rows) {
    Batch b(MakeSchema(
        {{"id", {TypeId::kInt64}}, {"name", {TypeId::kText}}, {"deleted", {TypeId::kBool}}}));
    for (const auto& [id, name, deleted] : rows) {
      b.column(0).Append<int64_t>(id);
      b.column(1).AppendBytes(name);
      b.column(2).Append<uint8_t>(deleted ? 1 : 0);
    }
    return b;
  };
  LoadSpec merge;
  merge.key = {"id"};
  merge.delete_marker = "deleted";
  Load("m", {changes({{1, "a", false}, {2, "b", false}, {3, "c", false}})}, WriteMode::kMerge,
       std::nullopt, merge);
  Load(
      "m",
      {changes({{2, "b2", false}, {2, "", true}, {3, "", true}, {3, "c3", false}, {5, "e", true}})},
      WriteMode::kMerge, std::nullopt, merge);
  EXPECT_THAT(Rows("m"), ElementsAre("1|a", "3|c3"));
  auto schema = sink().DescribeTable("m");
  ASSERT_TRUE(schema.has_value());
  EXPECT_EQ(schema->IndexOf("deleted"), -1);
}

TEST_P(SinkContractTest, DeleteWindowReloadsTheTailExactlyOnce) {
  Load("w", {IdName(1, 10)}, WriteMode::kAppend);
  LoadSpec window;
  window.delete_window = DeleteWindow{"id", "6"};
  Load("w", {IdName(6, 12, "again")}, WriteMode::kAppend, std::nullopt, window);
  auto rows = Rows("w");
  ASSERT_EQ(rows.size(), 12u);
  EXPECT_EQ(rows[4], "5|n5");
  EXPECT_EQ(rows[5], "6|again6");
  EXPECT_EQ(rows[11], "12|again12");
  // Idempotent: the same window again changes nothing.
  Load("w", {IdName(6, 12, "again")}, WriteMode::kAppend, std::nullopt, window);
  EXPECT_EQ(Rows("w"), rows);
}

TEST_P(SinkContractTest, DeleteWindowWithAnUpperBoundKeepsWhatIsPastIt) {
  Load("w", {IdName(1, 10)}, WriteMode::kAppend);
  LoadSpec window;
  window.delete_window = DeleteWindow{"id", "3", "6"};  // [3, 6)
  Load("w", {IdName(3, 5, "again")}, WriteMode::kAppend, std::nullopt, window);
  auto rows = Rows("w");
  ASSERT_EQ(rows.size(), 10u);
  EXPECT_EQ(rows[1], "2|n2");
  EXPECT_EQ(rows[2], "3|again3");
  EXPECT_EQ(rows[4], "5|again5");
  EXPECT_EQ(rows[5], "6|n6");
  window.delete_window = DeleteWindow{"id", "", "3"};  // everything before 3
  Load("w", {IdName(1, 2, "x")}, WriteMode::kAppend, std::nullopt, window);
  EXPECT_EQ(Rows("w")[0], "1|x1");
  EXPECT_EQ(Rows("w").size(), 10u);
}

TEST_P(SinkContractTest, ColumnMaxReadsTheLargestValueInCanonicalText) {
  EXPECT_FALSE(sink().ColumnMax("none", "id").has_value());
  Batch b(MakeSchema({{"id", {TypeId::kInt64}}, {"at", {TypeId::kTimestamp}}}));
  for (int64_t i : {3, 9, 4}) {
    b.column(0).Append<int64_t>(i);
    b.column(1).Append<int64_t>(1'700'000'000'000'000 + i);  // µs matter
  }
  b.column(0).AppendNull();
  b.column(1).AppendNull();
  Load("m", {b}, WriteMode::kAppend);
  EXPECT_EQ(sink().ColumnMax("m", "id"), "9");
  bool utc = h_->Stored(DataType{TypeId::kTimestamp}).id == TypeId::kTimestampTz;
  EXPECT_EQ(sink().ColumnMax("m", "at"),
            std::string("2023-11-14 22:13:20.000009") + (utc ? "+00:00" : ""));
  EXPECT_FALSE(sink().ColumnMax("m", "nope").has_value());
}

TEST_P(SinkContractTest, SchemaEvolutionAddsKeepsAndWidensColumns) {
  Batch first(MakeSchema({{"id", {TypeId::kInt32}}, {"name", {TypeId::kText}}}));
  first.column(0).Append<int32_t>(1);
  first.column(1).AppendBytes("a");
  Load("e", {first}, WriteMode::kAppend);
  // id widens to bigint, name is missing, extra is new.
  Batch second(MakeSchema({{"id", {TypeId::kInt64}}, {"extra", DataType::Decimal(10, 2)}}));
  second.column(0).Append<int64_t>(5'000'000'000);
  second.column(1).Append<Int128>(1250);
  Load("e", {second}, WriteMode::kAppend);
  auto schema = sink().DescribeTable("e");
  ASSERT_TRUE(schema.has_value());
  EXPECT_EQ(schema->fields.size(), 3u);
  EXPECT_EQ(schema->fields[0].type.id, TypeId::kInt64);
  EXPECT_THAT(h_->Rows("e", {"id", "name", "extra"}, "id"),
              ElementsAre("1|a|NULL", "5000000000|NULL|12.50"));
}

// A full reload keeps a column the source no longer gives, as NULL after the
// incoming columns, unless the table says dropped_columns: drop; its types
// are the incoming ones (the old rows are gone), and a reader sees both.
TEST_P(SinkContractTest, ReplaceKeepsAColumnGoneAtTheSourceUnlessToldToDropIt) {
  Batch wide(MakeSchema(
      {{"id", {TypeId::kInt64}}, {"name", {TypeId::kText}}, {"gone", {TypeId::kInt32}}}));
  wide.column(0).Append<int64_t>(1);
  wide.column(1).AppendBytes("a");
  wide.column(2).Append<int32_t>(7);
  Load("r", {wide}, WriteMode::kReplace);
  Batch narrow(MakeSchema({{"id", {TypeId::kText}}, {"name", {TypeId::kText}}}));
  narrow.column(0).AppendBytes("x2");
  narrow.column(1).AppendBytes("b");
  Load("r", {narrow}, WriteMode::kReplace);
  auto schema = sink().DescribeTable("r");
  ASSERT_TRUE(schema.has_value());
  ASSERT_EQ(schema->fields.size(), 3u);
  EXPECT_EQ(schema->fields[0].type.id, TypeId::kText);  // a reload may change a type
  EXPECT_EQ(schema->fields[2].name, "gone");
  EXPECT_EQ(schema->fields[2].type.id, TypeId::kInt32);
  EXPECT_THAT(h_->Rows("r", {"id", "name", "gone"}, "id"), ElementsAre("x2|b|NULL"));
  // Kept again by the next reload; dropped when the table asks for it.
  Load("r", {narrow}, WriteMode::kReplace);
  EXPECT_EQ(sink().DescribeTable("r")->fields.size(), 3u);
  LoadSpec drop;
  drop.keep_dropped_columns = false;
  Load("r", {narrow}, WriteMode::kReplace, std::nullopt, drop);
  schema = sink().DescribeTable("r");
  ASSERT_TRUE(schema.has_value());
  EXPECT_EQ(schema->fields.size(), 2u);
  EXPECT_THAT(h_->Rows("r", {"id", "name"}, "id"), ElementsAre("x2|b"));
}

TEST_P(SinkContractTest, IncompatibleTypeChangeFailsNamingTableColumnAndTypes) {
  Load("e", {IdName(1, 1)}, WriteMode::kAppend);
  Batch text_id(MakeSchema({{"id", {TypeId::kText}}}));
  text_id.column(0).AppendBytes("x");
  try {
    Load("e", {text_id}, WriteMode::kAppend);
    FAIL() << "expected SinkError";
  } catch (const SinkError& e) {
    EXPECT_THAT(e.what(),
                AllOf(HasSubstr("'e'"), HasSubstr("'id'"), HasSubstr("bigint"), HasSubstr("text")));
  }
  EXPECT_THAT(Rows("e"), ElementsAre("1|n1"));
}

TEST_P(SinkContractTest, StateCommitsWithTheDataAndRollsBackWithIt) {
  EXPECT_EQ(sink().ReadState("s"), std::nullopt);
  Load("s", {IdName(1, 1)}, WriteMode::kAppend, "one");
  {
    auto txn = sink().Begin("s");
    auto& w = txn->Open(LoadSpec{"s", IdName(2, 2).schema(), WriteMode::kAppend});
    w.Write(IdName(2, 2));
  }  // destroyed uncommitted
  EXPECT_EQ(sink().ReadState("s"), "one");
  EXPECT_THAT(Rows("s"), ElementsAre("1|n1"));
  Load("s", {IdName(3, 3)}, WriteMode::kAppend, std::nullopt);  // keeps the state
  EXPECT_EQ(sink().ReadState("s"), "one");
  Load("s", {IdName(4, 4)}, WriteMode::kAppend, "four");
  h_->Reopen();
  EXPECT_EQ(sink().ReadState("s"), "four");
  EXPECT_THAT(Rows("s"), ElementsAre("1|n1", "3|n3", "4|n4"));
}

// The run history `tributary runs` reads: one record per run (its latest),
// newest first, and one run's task results with their errors whole.
TEST_P(SinkContractTest, RunsReadBackNewestFirstWithEachRunsResultsInFull) {
  EXPECT_THAT(sink().run_log().ReadRuns({}), IsEmpty());
  EXPECT_THAT(sink().run_log().ReadRunResults("r1"), IsEmpty());
  const TimePoint t0 = FromMicros(int64_t{1'700'000'000'123'000});
  auto at = [&](int s) { return t0 + std::chrono::seconds(s); };
  auto result = [&](const std::string& run, const std::string& task, int from, int to,
                    const std::string& error) {
    return TaskResult{run,       task,
                      "full",    "shop",
                      "shop.db", task,
                      "hourly",  at(from),
                      at(to),    error.empty() ? 5 : 0,
                      50,        error.empty() ? "succeeded" : "failed",
                      error};
  };
  const std::string error = "line one\n" + std::string(300, 'x') + "\nline 'three'";
  RunLog& log = sink().run_log();
  log.RecordRun(RunRecord{"r1", at(0), std::nullopt, "running", "run --frequency hourly", 2, 0});
  log.RecordRun(RunRecord{"r2", at(10), std::nullopt, "running", "run", 1, 0});
  log.RecordTaskResult(result("r1", "orders", 1, 3, ""));
  log.RecordTaskResult(result("r1", "customers", 0, 2, error));
  log.RecordTaskResult(result("r2", "orders", 10, 11, ""));
  log.RecordRun(RunRecord{"r1", at(0), at(4), "failed", "run --frequency hourly", 2, 1});
  h_->Reopen();
  RunLog& reopened = sink().run_log();

  auto runs = reopened.ReadRuns({});
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].run_id, "r2");
  EXPECT_EQ(runs[0].status, "running");
  EXPECT_EQ(runs[0].ended_at, std::nullopt);
  EXPECT_EQ(runs[1].run_id, "r1");
  EXPECT_EQ(runs[1].status, "failed");
  EXPECT_EQ(runs[1].started_at, at(0));
  EXPECT_EQ(runs[1].ended_at, at(4));
  EXPECT_EQ(runs[1].command, "run --frequency hourly");
  EXPECT_EQ(runs[1].tasks_total, 2);
  EXPECT_EQ(runs[1].tasks_failed, 1);
  auto newest = reopened.ReadRuns({1, ""});
  ASSERT_EQ(newest.size(), 1u);
  EXPECT_EQ(newest[0].run_id, "r2");
  auto one = reopened.ReadRuns({20, "r1"});
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].status, "failed");
  EXPECT_THAT(reopened.ReadRuns({20, "r1' OR '1'='1"}), IsEmpty());

  auto results = reopened.ReadRunResults("r1");
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].task_id, "customers");  // started first
  EXPECT_EQ(results[0].status, "failed");
  EXPECT_EQ(results[0].error, error);
  EXPECT_EQ(results[1].task_id, "orders");
  EXPECT_EQ(results[1].rows, 5);
  EXPECT_EQ(results[1].started_at, at(1));
  EXPECT_EQ(results[1].ended_at, at(3));
  EXPECT_EQ(results[1].error, "");
  EXPECT_THAT(reopened.ReadRunResults("r3"), IsEmpty());
}

TEST_P(SinkContractTest, SeveralTablesCommitTogetherOrNotAtAll) {
  {
    auto txn = sink().Begin("cdc");
    txn->Open(LoadSpec{"history", IdName(1, 1).schema(), WriteMode::kAppend}).Write(IdName(1, 2));
    txn->Open(LoadSpec{"current", IdName(1, 1).schema(), WriteMode::kReplace}).Write(IdName(1, 2));
  }
  EXPECT_FALSE(sink().DescribeTable("history").has_value());
  EXPECT_FALSE(sink().DescribeTable("current").has_value());
  auto txn = sink().Begin("cdc");
  txn->Open(LoadSpec{"history", IdName(1, 1).schema(), WriteMode::kAppend}).Write(IdName(1, 2));
  txn->Open(LoadSpec{"current", IdName(1, 1).schema(), WriteMode::kReplace}).Write(IdName(3, 3));
  txn->Commit("lsn-1");
  EXPECT_THAT(Rows("history"), ElementsAre("1|n1", "2|n2"));
  EXPECT_THAT(Rows("current"), ElementsAre("3|n3"));
  EXPECT_EQ(sink().ReadState("cdc"), "lsn-1");
}

// The crash test's child: commits transactions of 10 rows into two tables
// with state = number of transactions, printing "committed" after each, until
// killed (or, with a fault point named, until it dies there on its
// TRIBUTARY_CRASH_HITS-th pass).
TEST(SinkCrashChild, Run) {
  const char* kind = std::getenv("TRIBUTARY_CRASH_KIND");
  if (kind == nullptr) GTEST_SKIP() << "only runs as the child of a crash test";
  auto h = testing::OpenHarness(kind, std::getenv("TRIBUTARY_CRASH_LOCATION"));
  if (const char* point = std::getenv("TRIBUTARY_CRASH_POINT")) {
    static std::string wanted;
    static int hits = 1;
    wanted = point;
    if (const char* n = std::getenv("TRIBUTARY_CRASH_HITS")) hits = std::atoi(n);
    SetFaultHandler([](std::string_view p) {
      if (p == wanted && --hits == 0) raise(SIGKILL);
    });
  }
  for (int i = 0; i < 1000; ++i) {
    int64_t n = std::stoll(h->sink().ReadState("crash").value_or("0")) + 1;
    auto txn = h->sink().Begin("crash");
    auto& a = txn->Open(LoadSpec{"a", IdName(1, 1).schema(), WriteMode::kAppend});
    auto& b = txn->Open(LoadSpec{"b", IdName(1, 1).schema(), WriteMode::kAppend});
    a.Write(IdName(n * 10 - 9, n * 10));
    b.Write(IdName(n * 10 - 9, n * 10));
    txn->Commit(std::to_string(n));
    std::printf("committed\n");
    std::fflush(stdout);
  }
}

// Runs the child and SIGKILLs it `delay` after its first commit (or lets it
// die at `point`); returns how many commits it reported.
int RunChild(SinkHarness& h, std::chrono::milliseconds delay, const std::string& point = "",
             int hits = 1, const std::string& child = "SinkCrashChild.Run") {
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid == 0) {
    setenv("TRIBUTARY_CRASH_KIND", h.Kind().c_str(), 1);
    setenv("TRIBUTARY_CRASH_LOCATION", h.Location().c_str(), 1);
    if (!point.empty()) setenv("TRIBUTARY_CRASH_POINT", point.c_str(), 1);
    setenv("TRIBUTARY_CRASH_HITS", std::to_string(hits).c_str(), 1);
    int null = open("/dev/null", O_WRONLY);
    dup2(out[1], 1);
    dup2(null, 2);
    close(out[0]);
    std::string filter = "--gtest_filter=" + child;
    execl("/proc/self/exe", "tributary_tests", filter.c_str(), nullptr);
    _exit(127);
  }
  close(out[1]);
  fcntl(out[0], F_SETFL, O_NONBLOCK);
  int commits = 0;
  std::string output;
  std::optional<std::chrono::steady_clock::time_point> kill_at;
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    char buffer[256];
    for (ssize_t n; (n = read(out[0], buffer, sizeof buffer)) > 0;) output.append(buffer, n);
    for (size_t at; (at = output.find("committed\n")) != std::string::npos;) {
      output.erase(0, at + 10);
      ++commits;
    }
    auto now = std::chrono::steady_clock::now();
    if (commits > 0 && !kill_at) kill_at = now + delay;
    if ((kill_at && now >= *kill_at) || now >= give_up) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  close(out[0]);
  return commits;
}

// After any crash: both tables hold exactly the rows of the committed
// transactions, and the state counts them.
void ExpectConsistent(SinkHarness& h) {
  h.Reopen();
  int64_t n = std::stoll(h.sink().ReadState("crash").value_or("0"));
  for (const char* table : {"a", "b"}) {
    auto rows = h.Rows(table, {"id"}, "id");
    ASSERT_EQ(static_cast<int64_t>(rows.size()), n * 10) << table << " after state " << n;
    for (int64_t i = 0; i < n * 10; ++i) ASSERT_EQ(rows[i], std::to_string(i + 1)) << table;
  }
}

TEST_P(SinkContractTest, CrashAtAnyMomentLeavesTheOldStateOrTheNew) {
  const char* env = std::getenv("TRIBUTARY_CRASH_ROUNDS");
  int rounds = env != nullptr ? std::atoi(env) : 4;
  std::mt19937 random(42);
  int commits = 0;
  for (int round = 0; round < rounds; ++round) {
    h_->Close();  // a DuckDB file is open in one process at a time
    commits += RunChild(*h_, std::chrono::milliseconds(random() % 400));
    ExpectConsistent(*h_);
  }
  EXPECT_GE(std::stoll(sink().ReadState("crash").value_or("0")), commits);
}

std::vector<std::string> Changes(const std::vector<SchemaChangeRecord>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) {
    out.push_back(r.run_id + " " + r.table + "." + r.column + " " + r.change);
  }
  return out;
}

// Loads `batch` into table "s" as run `run` would (under its LogScope).
void LoadInRun(Sink& sink, const std::string& run, const Batch& batch, WriteMode mode,
               bool keep = true) {
  LogScope scope(LogFields{{"run_id", run}});
  LoadSpec spec{"s", batch.schema(), mode};
  spec.keep_dropped_columns = keep;
  auto txn = sink.Begin("s");
  txn->Open(spec).Write(batch);
  txn->Commit(std::nullopt);
  std::this_thread::sleep_for(std::chrono::milliseconds(3));  // commit times apart (Delta: ms)
}

Batch Row(std::vector<Field> fields) {
  Batch b(MakeSchema(fields));
  for (size_t c = 0; c < fields.size(); ++c) {
    if (fields[c].type.id == TypeId::kInt32) b.column(c).Append<int32_t>(1);
    if (fields[c].type.id == TypeId::kInt64) b.column(c).Append<int64_t>(5'000'000'000);
    if (fields[c].type.id == TypeId::kText) b.column(c).AppendBytes("x");
  }
  return b;
}

// Every change a load makes to a table's shape is in the run history once,
// with its run, committed with the load: widened and added (append), dropped
// and kept (replace); a column still kept by the next reload is no new change.
TEST_P(SinkContractTest, SchemaChangesAreRecordedOnceWithTheirRun) {
  RunLog& log = sink().run_log();
  EXPECT_THAT(log.ReadSchemaChanges({}), IsEmpty());
  LoadInRun(sink(), "r1", Row({{"id", {TypeId::kInt32}}, {"name", {TypeId::kText}}}),
            WriteMode::kAppend);
  LoadInRun(sink(), "r2",
            Row({{"id", {TypeId::kInt64}}, {"name", {TypeId::kText}}, {"extra", {TypeId::kText}}}),
            WriteMode::kAppend);
  LoadInRun(sink(), "r3", Row({{"id", {TypeId::kInt64}}, {"extra", {TypeId::kText}}}),
            WriteMode::kReplace, /*keep=*/false);
  LoadInRun(sink(), "r4", Row({{"id", {TypeId::kInt64}}}), WriteMode::kReplace);
  LoadInRun(sink(), "r5", Row({{"id", {TypeId::kInt64}}}), WriteMode::kReplace);
  EXPECT_EQ(sink().DescribeTable("s")->fields.size(), 2u);  // id, extra (kept)
  h_->Reopen();
  RunLog& reopened = sink().run_log();
  auto all = reopened.ReadSchemaChanges({"s", "", 20});
  EXPECT_THAT(Changes(all), ElementsAre("r4 s.extra kept", "r3 s.name dropped", "r2 s.extra added",
                                        "r2 s.id widened"));
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].task_id, "s");
  EXPECT_EQ(all[0].old_type, "text");
  EXPECT_EQ(all[0].new_type, "");
  EXPECT_EQ(all[2].old_type, "");
  EXPECT_EQ(all[2].new_type, "text");
  EXPECT_EQ(all[3].old_type, "integer");
  EXPECT_EQ(all[3].new_type, "bigint");
  EXPECT_GT(all[0].at, all[1].at);
  EXPECT_THAT(Changes(reopened.ReadSchemaChanges({"", "r2", 20})),
              ElementsAre("r2 s.extra added", "r2 s.id widened"));
  EXPECT_THAT(Changes(reopened.ReadSchemaChanges({"s", "", 1})), ElementsAre("r4 s.extra kept"));
  EXPECT_THAT(reopened.ReadSchemaChanges({"other", "", 20}), IsEmpty());

  // The history carries each task's recent changes; the last load (r5) did
  // not change the shape, r4 did.
  TaskResult r{"r5",      "s",       "full", "shop", "shop.db",   "s", "hourly",
               all[0].at, all[0].at, 1,      1,      "succeeded", "",  1};
  reopened.RecordTaskResult(r);
  auto history = reopened.ReadHistory();
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].schema_changes.size(), 4u);
  EXPECT_EQ(history[0].last_success->table_rows, 1);
  EXPECT_FALSE(ShapeChangedInLastLoad(history[0]));
  r.run_id = "r4";
  r.started_at = r.ended_at = all[0].at + std::chrono::seconds(1);
  reopened.RecordTaskResult(r);
  EXPECT_TRUE(ShapeChangedInLastLoad(reopened.ReadHistory().at(0)));
  auto recent = reopened.ReadTaskResults("s", 1);
  ASSERT_EQ(recent.size(), 1u);
  EXPECT_EQ(recent[0].run_id, "r4");
  EXPECT_EQ(reopened.ReadTaskResults("s", 5).size(), 2u);
  EXPECT_EQ(sink().TableRows("s"), 1);
  EXPECT_EQ(sink().TableRows("missing"), std::nullopt);
}

// The child of the test below: a load that adds a column, dying at the fault
// point named in TRIBUTARY_CRASH_POINT.
TEST(SchemaChangeCrashChild, Run) {
  const char* kind = std::getenv("TRIBUTARY_CRASH_KIND");
  if (kind == nullptr) GTEST_SKIP() << "only runs as the child of a crash test";
  auto h = testing::OpenHarness(kind, std::getenv("TRIBUTARY_CRASH_LOCATION"));
  static std::string wanted = std::getenv("TRIBUTARY_CRASH_POINT");
  SetFaultHandler([](std::string_view p) {
    if (p == wanted) raise(SIGKILL);
  });
  std::printf("committed\n");
  std::fflush(stdout);
  LoadInRun(h->sink(), "r2",
            Row({{"id", {TypeId::kInt64}}, {"name", {TypeId::kText}}, {"extra", {TypeId::kText}}}),
            WriteMode::kAppend);
}

// A process killed between writing a load and committing it records no
// schema change (and leaves the table's shape alone); a Delta load killed
// after its first table landed is completed with its changes, once.
TEST_P(SinkContractTest, AKillBeforeTheCommitRecordsNoSchemaChange) {
  LoadInRun(sink(), "r1", Row({{"id", {TypeId::kInt64}}, {"name", {TypeId::kText}}}),
            WriteMode::kAppend);
  bool delta = GetParam().rfind("delta", 0) == 0;
  std::string before = delta ? "delta.after_upload" : GetParam() + ".before_commit";
  if (GetParam() == "postgresql") before = "postgres.before_commit";
  h_->Close();
  RunChild(*h_, std::chrono::seconds(60), before, 1, "SchemaChangeCrashChild.Run");
  h_->Reopen();
  { auto txn = sink().Begin("s"); }  // finishes (or rolls back) an interrupted load
  EXPECT_THAT(sink().run_log().ReadSchemaChanges({}), IsEmpty());
  EXPECT_EQ(sink().DescribeTable("s")->fields.size(), 2u);
  if (!delta) return;
  h_->Close();
  RunChild(*h_, std::chrono::seconds(60), "delta.after_table_commit", 1,
           "SchemaChangeCrashChild.Run");
  h_->Reopen();
  { auto txn = sink().Begin("s"); }
  { auto txn = sink().Begin("s"); }
  EXPECT_THAT(Changes(sink().run_log().ReadSchemaChanges({})), ElementsAre("r2 s.extra added"));
  EXPECT_EQ(sink().DescribeTable("s")->fields.size(), 3u);
}

// The Delta sink's commit is several steps (data files, journal, one Delta
// commit per table, journal again): dying at each of them, even on the
// second table, leaves both tables and the state consistent after recovery.
class DeltaCrashPointTest : public ::testing::TestWithParam<std::string> {};

TEST_P(DeltaCrashPointTest, DyingAtEachStepOfACommitIsRepaired) {
  auto h = testing::OpenHarness(GetParam());
  if (!h) {
    std::string why = testing::HarnessMissing(GetParam());
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string(ci) == "true") FAIL() << why;
    GTEST_SKIP() << why;
  }
  const std::vector<std::pair<std::string, int>> points = {
      {"delta.after_journal", 1},      {"delta.before_publish", 1}, {"delta.after_publish", 1},
      {"delta.after_table_commit", 1}, {"delta.before_publish", 2}, {"delta.after_publish", 2},
      {"delta.after_table_commit", 4}, {"delta.after_journal", 3},  {"delta.after_upload", 1},
      {"delta.after_upload", 3}};
  for (const auto& [point, hits] : points) {
    h->Close();
    RunChild(*h, std::chrono::seconds(60), point, hits);
    ExpectConsistent(*h);
  }
  EXPECT_GE(std::stoll(h->sink().ReadState("crash").value_or("0")), 2);
}

INSTANTIATE_TEST_SUITE_P(Stores, DeltaCrashPointTest,
                         ::testing::Values("delta", "delta-s3", "delta-azure"),
                         [](const auto& param) {
                           std::string name = param.param;
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

INSTANTIATE_TEST_SUITE_P(AllSinks, SinkContractTest, ::testing::ValuesIn(testing::HarnessKinds()),
                         [](const auto& param) {
                           std::string name = param.param;
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

}  // namespace
}  // namespace tributary
