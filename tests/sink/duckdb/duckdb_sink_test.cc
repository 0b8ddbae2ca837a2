// DuckDbSink loads: replace atomicity, append, schema evolution, state
// committed with the data, rollback, identifiers.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <set>
#include <thread>

#include "common/error.h"
#include "config/project.h"
#include "engine/connectors.h"
#include "support/duckdb_fixture.h"

namespace tributary {
namespace {

using ::testing::HasSubstr;
using testing::IdNameBatch;
using testing::MakeSchema;

class DuckDbSinkTest : public testing::DuckDbFixture {};

TEST_F(DuckDbSinkTest, ReplaceCreatesTheTable) {
  Load("customers", IdNameBatch(1, 3), WriteMode::kReplace);
  EXPECT_EQ(Values("SELECT name FROM bronze.customers ORDER BY id"),
            (std::vector<std::string>{"n1", "n2", "n3"}));
  Load("customers", IdNameBatch(10, 11), WriteMode::kReplace);
  EXPECT_EQ(Scalar("SELECT count(*) FROM bronze.customers"), "2");
  auto schema = sink_->DescribeTable("customers");
  ASSERT_TRUE(schema.has_value());
  EXPECT_EQ(schema->fields[0].name, "id");
  EXPECT_EQ(schema->fields[1].type.id, TypeId::kText);
  EXPECT_FALSE(sink_->DescribeTable("nothing").has_value());
}

TEST_F(DuckDbSinkTest, ManyChunksWithNulls) {
  Batch batch(MakeSchema({{"id", {TypeId::kInt64}}, {"s", {TypeId::kText}}}));
  for (int64_t i = 0; i < 10'000; ++i) {
    batch.column(0).Append<int64_t>(i);
    if (i % 3 == 0) {
      batch.column(1).AppendNull();
    } else {
      batch.column(1).AppendBytes(std::to_string(i));
    }
  }
  Load("t", batch, WriteMode::kReplace);
  EXPECT_EQ(Scalar("SELECT count(*) FROM bronze.t WHERE s IS NULL"), "3334");
  EXPECT_EQ(Scalar("SELECT count(*) FROM bronze.t WHERE s = CAST(id AS VARCHAR)"), "6666");
}

TEST_F(DuckDbSinkTest, ConcurrentReaderSeesOldOrNewTableNeverAHalfOne) {
  const int64_t kOld = 100'000;
  const int64_t kNew = 150'000;
  Load("big", IdNameBatch(1, kOld), WriteMode::kReplace);
  std::atomic<bool> done{false};
  std::set<std::string> seen;
  std::thread reader([&] {
    DuckConnection conn = sink_->Connect();
    while (true) {
      bool last = done.load();
      DuckResult result = DuckExec(conn.get(), "SELECT count(*) FROM bronze.big", "count");
      seen.insert(ResultText(result, 0, 0).value_or("NULL"));
      if (last) break;
    }
  });
  {
    auto txn = sink_->Begin("big");
    auto& writer = txn->Open(LoadSpec{"big", IdNameBatch(1, 1).schema(), WriteMode::kReplace});
    for (int64_t first = 1; first <= kNew; first += 10'000) {
      writer.Write(IdNameBatch(first, first + 9'999));
      std::this_thread::yield();
    }
    txn->Commit(std::nullopt);
  }
  done = true;
  reader.join();
  for (const auto& count : seen) {
    EXPECT_TRUE(count == std::to_string(kOld) || count == std::to_string(kNew)) << count;
  }
  EXPECT_TRUE(seen.count(std::to_string(kNew)));
}

TEST_F(DuckDbSinkTest, ParallelLoadsOfDifferentTables) {
  for (int round = 0; round < 2; ++round) {  // the second round replaces and updates state
    std::vector<std::thread> tasks;
    for (int t = 0; t < 4; ++t) {
      tasks.emplace_back([&, t] {
        std::string table = "t" + std::to_string(t);
        WriteMode mode = t % 2 == 0 ? WriteMode::kReplace : WriteMode::kAppend;
        Load(table, IdNameBatch(1, 5000), mode, "round" + std::to_string(round));
      });
    }
    for (auto& task : tasks) task.join();
  }
  for (int t = 0; t < 4; ++t) {
    std::string table = "t" + std::to_string(t);
    EXPECT_EQ(sink_->ReadState(table), "round1");
    EXPECT_EQ(Scalar("SELECT count(*) FROM lake.bronze." + table), t % 2 == 0 ? "5000" : "10000");
  }
}

TEST_F(DuckDbSinkTest, StateCommitsWithTheData) {
  Load("orders", IdNameBatch(1, 2), WriteMode::kAppend, "{\"watermark\":2}");
  EXPECT_EQ(sink_->ReadState("orders"), "{\"watermark\":2}");
  Load("orders", IdNameBatch(3, 4), WriteMode::kAppend, "{\"watermark\":4}");
  EXPECT_EQ(sink_->ReadState("orders"), "{\"watermark\":4}");
  Load("orders", IdNameBatch(5, 5), WriteMode::kAppend);  // nullopt keeps the state
  EXPECT_EQ(sink_->ReadState("orders"), "{\"watermark\":4}");
  EXPECT_EQ(Scalar("SELECT count(*) FROM bronze.orders"), "5");
  EXPECT_FALSE(sink_->ReadState("nobody").has_value());
}

TEST_F(DuckDbSinkTest, UncommittedWriterChangesNothing) {
  Load("orders", IdNameBatch(1, 2), WriteMode::kAppend, "s1");
  for (WriteMode mode : {WriteMode::kAppend, WriteMode::kReplace}) {
    auto txn = sink_->Begin("orders");
    auto& writer = txn->Open(LoadSpec{"orders", IdNameBatch(1, 1).schema(), mode});
    writer.Write(IdNameBatch(3, 5000));
    txn.reset();  // e.g. the reader failed: no Commit
    EXPECT_EQ(Scalar("SELECT count(*) FROM bronze.orders"), "2");
    EXPECT_EQ(sink_->ReadState("orders"), "s1");
  }
  auto fresh_load = sink_->Begin("fresh");
  auto& fresh =
      fresh_load->Open(LoadSpec{"fresh", IdNameBatch(1, 1).schema(), WriteMode::kReplace});
  fresh.Write(IdNameBatch(1, 10));
  fresh_load.reset();
  EXPECT_FALSE(sink_->DescribeTable("fresh").has_value());
}

TEST_F(DuckDbSinkTest, AppendAddsMissingColumnsAndAcceptsAnyOrder) {
  Load("t", IdNameBatch(1, 2), WriteMode::kAppend);
  Batch wider(MakeSchema({{"extra", {TypeId::kInt32}}, {"id", {TypeId::kInt64}}}));
  wider.column(0).Append<int32_t>(7);
  wider.column(1).Append<int64_t>(3);
  Load("t", wider, WriteMode::kAppend);
  EXPECT_EQ(Values("SELECT concat_ws('|', id, name, extra) FROM bronze.t ORDER BY id"),
            (std::vector<std::string>{"1|n1", "2|n2", "3|7"}));
  auto schema = sink_->DescribeTable("t");
  ASSERT_EQ(schema->fields.size(), 3u);
  EXPECT_EQ(schema->fields[2].name, "extra");
  EXPECT_EQ(schema->fields[2].type.id, TypeId::kInt32);
}

TEST_F(DuckDbSinkTest, AppendWidensButRefusesIncompatibleTypes) {
  Batch narrow(MakeSchema({{"v", {TypeId::kInt16}}}));
  narrow.column(0).Append<int16_t>(5);
  Batch wide(MakeSchema({{"v", {TypeId::kInt64}}}));
  wide.column(0).Append<int64_t>(1LL << 40);
  Load("t", wide, WriteMode::kAppend);
  Load("t", narrow, WriteMode::kAppend);  // smallint into bigint: fine
  EXPECT_EQ(Scalar("SELECT sum(v) FROM bronze.t"), std::to_string((1LL << 40) + 5));
  Batch text(MakeSchema({{"v", {TypeId::kText}}}));
  text.column(0).AppendBytes("x");
  try {
    Load("t", text, WriteMode::kAppend);
    FAIL() << "expected an error";
  } catch (const SinkError& e) {
    EXPECT_THAT(e.what(), HasSubstr("table 't' column 'v' is bigint in the sink but the source now "
                                    "gives text; loading would lose data"));
    EXPECT_THAT(e.what(), HasSubstr("--full-refresh --tables t"));
  }
  EXPECT_EQ(Scalar("SELECT count(*) FROM bronze.t"), "2");
}

TEST_F(DuckDbSinkTest, WeirdIdentifiers) {
  Batch batch(MakeSchema(
      {{"select", {TypeId::kInt64}}, {"a\"b", {TypeId::kText}}, {"Mixed Case", {TypeId::kText}}}));
  batch.column(0).Append<int64_t>(1);
  batch.column(1).AppendBytes("quote");
  batch.column(2).AppendBytes("mixed");
  Load("we\"ird Table", batch, WriteMode::kReplace);
  Load("we\"ird Table", batch, WriteMode::kAppend);
  EXPECT_EQ(Values(R"(SELECT "a""b" || "Mixed Case" FROM bronze."we""ird Table")"),
            (std::vector<std::string>{"quotemixed", "quotemixed"}));
  auto schema = sink_->DescribeTable("we\"ird Table");
  ASSERT_TRUE(schema.has_value());
  EXPECT_EQ(schema->fields[1].name, "a\"b");
}

TEST_F(DuckDbSinkTest, BadTextIsRefused) {
  Batch batch(MakeSchema({{"s", {TypeId::kText}}}));
  batch.column(0).AppendBytes("ok");
  batch.column(0).AppendBytes("\xff\xfe");
  EXPECT_THAT([&] { Load("t", batch, WriteMode::kReplace); },
              ::testing::ThrowsMessage<SinkError>(HasSubstr("table 't' column 's' row 2: text is "
                                                            "not valid UTF-8")));
  Batch json(MakeSchema({{"j", {TypeId::kJson}}}));
  json.column(0).AppendBytes("{not json");
  EXPECT_THROW(Load("j", json, WriteMode::kReplace), SinkError);
  EXPECT_FALSE(sink_->DescribeTable("j").has_value());
}

TEST(DuckDbOpenSinkTest, MemoryLimitComesFromTheConfiguration) {
  testing::TempDir dir;
  Project project;
  project.dir = dir.path();
  project.sink.kind = "duckdb";
  project.sink.path = "lake.duckdb";
  project.sink.settings["memory_limit"] = "1GiB";
  auto sink = OpenSink(project);
  auto* duck = dynamic_cast<DuckDbSink*>(sink.get());
  ASSERT_NE(duck, nullptr);
  DuckConnection conn = duck->Connect();
  DuckResult result = DuckExec(conn.get(), "SELECT current_setting('memory_limit')", "setting");
  EXPECT_EQ(ResultText(result, 0, 0), "1.0 GiB");
  sink.reset();
  project.sink.settings["memory_limit"] = "lots";
  EXPECT_THAT([&] { OpenSink(project); },
              ::testing::ThrowsMessage<SinkError>(HasSubstr("memory_limit 'lots'")));
}

TEST(DuckDbOpenSinkTest, ThreadsComeFromTheConfigurationOrLeaveTheReaderACore) {
  testing::TempDir dir;
  Project project;
  project.dir = dir.path();
  project.sink.kind = "duckdb";
  project.sink.path = "lake.duckdb";
  auto threads_of = [&] {
    auto sink = OpenSink(project);
    DuckConnection conn = dynamic_cast<DuckDbSink&>(*sink).Connect();
    DuckResult result = DuckExec(conn.get(), "SELECT current_setting('threads')", "setting");
    return ResultText(result, 0, 0);
  };
  auto cores = static_cast<int>(std::thread::hardware_concurrency());
  EXPECT_EQ(threads_of(), std::to_string(std::max(1, cores - 1)));
  project.sink.settings["threads"] = "3";
  EXPECT_EQ(threads_of(), "3");
  for (const char* bad : {"0", "many", "2x", "-1"}) {
    project.sink.settings["threads"] = bad;
    EXPECT_THAT([&] { OpenSink(project); },
                ::testing::ThrowsMessage<SinkError>(HasSubstr(fmt::format("threads '{}'", bad))));
  }
}

TEST(DuckDbOpenSinkTest, DispatchesOnKind) {
  testing::TempDir dir;
  Project project;
  project.dir = dir.path();
  project.sink.path = "lake/bronze.duckdb";
  auto sink = OpenSink(project);
  EXPECT_THAT(sink->Describe(), HasSubstr("bronze.duckdb"));
  EXPECT_TRUE(std::filesystem::exists(dir / "lake" / "bronze.duckdb"));
  project.sink.kind = "iceberg";
  EXPECT_THAT(
      [&] { OpenSink(project); },
      ::testing::ThrowsMessage<SinkError>(HasSubstr("sink kind 'iceberg' is not supported by this build")));
}

}  // namespace
}  // namespace tributary

namespace tributary {
namespace {

// A file bronze.duckdb is catalog "bronze": every name the sink writes is
// qualified with the catalog so that schema "bronze" stays unambiguous.
TEST(DuckDbCatalogTest, FileNamedLikeTheSchema) {
  testing::TempDir dir;
  DuckDbSink sink(dir / "bronze.duckdb", "bronze");
  auto txn = sink.Begin("t");
  auto& writer = txn->Open(LoadSpec{"t", testing::IdNameBatch(1, 1).schema(), WriteMode::kAppend});
  writer.Write(testing::IdNameBatch(1, 3));
  txn->Commit("s");
  EXPECT_EQ(sink.ReadState("t"), "s");
  ASSERT_TRUE(sink.DescribeTable("t").has_value());
  DuckConnection conn = sink.Connect();
  DuckResult result = DuckExec(conn.get(), "SELECT count(*) FROM bronze.bronze.t", "count");
  EXPECT_EQ(ResultText(result, 0, 0), "3");
}

}  // namespace
}  // namespace tributary

namespace tributary {
namespace {

// A run killed while DuckDB was creating the file left an empty one behind;
// the next run builds the database there instead of failing on it forever.
// A new file is published whole, leaving nothing else in the folder.
TEST(DuckDbCreateTest, AnEmptyFileLeftByAKilledCreationIsReplaced) {
  testing::TempDir dir;
  { std::ofstream touch(dir / "lake.duckdb"); }
  ASSERT_EQ(std::filesystem::file_size(dir / "lake.duckdb"), 0u);
  {
    DuckDbSink sink(dir / "lake.duckdb", "bronze");
    auto txn = sink.Begin("t");
    txn->Open(LoadSpec{"t", IdNameBatch(1, 1).schema(), WriteMode::kAppend})
        .Write(IdNameBatch(1, 3));
    txn->Commit("s");
  }
  DuckDbSink reopened(dir / "lake.duckdb", "bronze");
  EXPECT_EQ(reopened.ReadState("t"), "s");
  std::set<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    files.insert(entry.path().filename().string());
  }
  EXPECT_EQ(files, (std::set<std::string>{"lake.duckdb"}));
}

TEST(DuckDbCreateTest, AnExistingDatabaseIsOpenedNotReplaced) {
  testing::TempDir dir;
  {
    DuckDbSink sink(dir / "lake.duckdb", "bronze");
    auto txn = sink.Begin("t");
    txn->Open(LoadSpec{"t", IdNameBatch(1, 1).schema(), WriteMode::kAppend})
        .Write(IdNameBatch(1, 3));
    txn->Commit("kept");
  }
  DuckDbSink first(dir / "lake.duckdb", "bronze");
  EXPECT_EQ(first.ReadState("t"), "kept");
}

}  // namespace
}  // namespace tributary

namespace tributary {
namespace {

// What a creation killed before link() leaves beside the database is removed
// by the next open; a creation still in progress (its process alive) is not.
TEST(DuckDbCreateTest, LeftoversOfKilledCreationsAreRemoved) {
  testing::TempDir dir;
  { std::ofstream leftover(dir / "lake.duckdb.999999999.new"); }
  std::string alive = "lake.duckdb.1.new";  // process 1 always exists
  { std::ofstream in_progress(dir / alive); }
  DuckDbSink sink(dir / "lake.duckdb", "bronze");
  EXPECT_FALSE(std::filesystem::exists(dir / "lake.duckdb.999999999.new"));
  EXPECT_TRUE(std::filesystem::exists(dir / alive));
}

}  // namespace
}  // namespace tributary
