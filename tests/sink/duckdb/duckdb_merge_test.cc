// DuckDB sink: merge by key (last row wins, delete markers), delete windows,
// widening, and several tables committed in one transaction.
#include "common/error.h"
#include "support/duckdb_fixture.h"

namespace tributary {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::IdNameBatch;
using testing::MakeSchema;

// id, name, deleted: one change per row.
Batch Changes(std::vector<std::tuple<int64_t, std::string, bool>> rows) {
  Batch batch(MakeSchema(
      {{"id", {TypeId::kInt64}}, {"name", {TypeId::kText}}, {"deleted", {TypeId::kBool}}}));
  for (const auto& [id, name, deleted] : rows) {
    batch.column(0).Append<int64_t>(id);
    batch.column(1).AppendBytes(name);
    batch.column(2).Append<uint8_t>(deleted ? 1 : 0);
  }
  return batch;
}

class DuckDbMergeTest : public testing::DuckDbFixture {
 protected:
  void Merge(const std::string& table, const std::vector<Batch>& batches, std::string marker = "") {
    auto txn = sink_->Begin(table);
    LoadSpec spec{table, batches[0].schema(), WriteMode::kMerge, {"id"}, marker};
    auto& writer = txn->Open(spec);
    for (const auto& b : batches) writer.Write(b);
    txn->Commit(std::nullopt);
  }
  std::vector<std::string> Rows(const std::string& table) {
    return Values("SELECT id || '=' || name FROM bronze." + table + " ORDER BY id");
  }
};

TEST_F(DuckDbMergeTest, UpsertsByKeyAndTheLastRowWritenForAKeyWins) {
  Merge("t", {IdNameBatch(1, 3)});
  Batch update(MakeSchema({{"id", {TypeId::kInt64}}, {"name", {TypeId::kText}}}));
  for (auto [id, name] :
       std::vector<std::pair<int64_t, const char*>>{{2, "first"}, {4, "new"}, {2, "second"}}) {
    update.column(0).Append<int64_t>(id);
    update.column(1).AppendBytes(name);
  }
  Batch again(update.shared_schema());
  again.column(0).Append<int64_t>(2);
  again.column(1).AppendBytes("last");
  Merge("t", {update, again});
  EXPECT_THAT(Rows("t"), ElementsAre("1=n1", "2=last", "3=n3", "4=new"));
}

// Write order decides across chunks and row groups, not only inside a batch.
TEST_F(DuckDbMergeTest, LastWinsAcrossManyBatches) {
  constexpr int64_t kKeys = 150'000;
  std::vector<Batch> rounds;
  for (const char* name : {"r1", "r2", "r3"}) {
    Batch b(MakeSchema({{"id", {TypeId::kInt64}}, {"name", {TypeId::kText}}}));
    for (int64_t id = kKeys; id >= 1; --id) {
      b.column(0).Append<int64_t>(id);
      b.column(1).AppendBytes(name);
    }
    rounds.push_back(std::move(b));
  }
  Merge("t", rounds);
  EXPECT_EQ(Scalar("SELECT count(*) || ' ' || min(name) || ' ' || max(name) FROM bronze.t"),
            std::to_string(kKeys) + " r3 r3");
}

TEST_F(DuckDbMergeTest, DeleteMarkerRemovesTheKeyAndIsNotStored) {
  Merge("t", {Changes({{1, "a", false}, {2, "b", false}, {3, "c", false}})}, "deleted");
  Merge(
      "t",
      {Changes({{2, "b2", false}, {2, "", true}, {3, "", true}, {3, "c3", false}, {5, "e", true}})},
      "deleted");
  EXPECT_THAT(Rows("t"), ElementsAre("1=a", "3=c3"));
  auto schema = sink_->DescribeTable("t");
  ASSERT_TRUE(schema.has_value());
  EXPECT_EQ(schema->IndexOf("deleted"), -1);
}

// Merges stage their rows in a table of the database file (so a big merge
// can spill); it never outlives the load, committed or rolled back.
TEST_F(DuckDbMergeTest, StagingTablesNeverOutliveTheLoad) {
  Merge("t", {IdNameBatch(1, 3)});
  {
    auto txn = sink_->Begin("t");
    txn->Open(LoadSpec{"t", IdNameBatch(1, 1).schema(), WriteMode::kMerge, {"id"}})
        .Write(IdNameBatch(2, 5));
    EXPECT_EQ(Scalar("SELECT count(*) FROM bronze.t"), "3") << "invisible until committed";
  }  // rolled back
  Merge("t", {IdNameBatch(3, 4)});
  EXPECT_EQ(Scalar("SELECT count(*) FROM duckdb_tables() WHERE schema_name = '_tributary' "
                   "AND table_name NOT IN ('runs', 'task_results', 'state', 'sink', "
                   "'schema_changes')"),
            "0");
  EXPECT_THAT(Rows("t"), ElementsAre("1=n1", "2=n2", "3=n3", "4=n4"));
}

TEST_F(DuckDbMergeTest, MergeNeedsKeysThatExist) {
  auto txn = sink_->Begin("t");
  LoadSpec spec{"t", IdNameBatch(1, 1).schema(), WriteMode::kMerge, {"nope"}};
  try {
    txn->Open(spec);
    FAIL() << "expected an error";
  } catch (const SinkError& e) {
    EXPECT_THAT(e.what(), HasSubstr("key column 'nope' is not among the columns"));
  }
}

TEST_F(DuckDbMergeTest, DeleteWindowMakesAReloadExact) {
  Load("t", IdNameBatch(1, 10), WriteMode::kAppend);
  // Re-read ids >= 8 (8, 9, 10 again, plus a new 11): no duplicate, no loss.
  auto txn = sink_->Begin("t");
  LoadSpec spec{"t", IdNameBatch(1, 1).schema(), WriteMode::kAppend};
  spec.delete_window = DeleteWindow{"id", "8"};
  txn->Open(spec).Write(IdNameBatch(8, 11));
  txn->Commit("{\"watermark\":\"11\"}");
  EXPECT_EQ(Scalar("SELECT count(*) || '/' || count(DISTINCT id) FROM bronze.t"), "11/11");
  EXPECT_EQ(sink_->ReadState("t"), "{\"watermark\":\"11\"}");
}

TEST_F(DuckDbMergeTest, RolledBackDeleteWindowDeletesNothing) {
  Load("t", IdNameBatch(1, 10), WriteMode::kAppend);
  {
    auto txn = sink_->Begin("t");
    LoadSpec spec{"t", IdNameBatch(1, 1).schema(), WriteMode::kAppend};
    spec.delete_window = DeleteWindow{"id", "3"};
    txn->Open(spec).Write(IdNameBatch(3, 4));
  }  // no commit: e.g. the source failed half way
  EXPECT_EQ(Scalar("SELECT count(*) FROM bronze.t"), "10");
}

TEST_F(DuckDbMergeTest, WidensAColumnWhoseSourceTypeGrew) {
  Batch narrow(MakeSchema({{"v", {TypeId::kInt32}}, {"d", DataType::Decimal(10, 2)}}));
  narrow.column(0).Append<int32_t>(7);
  narrow.column(1).Append<Int128>(12345);
  Load("t", narrow, WriteMode::kAppend);
  Batch wide(MakeSchema({{"v", {TypeId::kInt64}}, {"d", DataType::Decimal(14, 3)}}));
  wide.column(0).Append<int64_t>(1LL << 40);
  wide.column(1).Append<Int128>(99999999999999);
  Load("t", wide, WriteMode::kAppend);
  auto schema = sink_->DescribeTable("t");
  ASSERT_TRUE(schema.has_value());
  EXPECT_EQ(schema->fields[0].type, DataType{TypeId::kInt64});
  EXPECT_EQ(schema->fields[1].type, DataType::Decimal(14, 3));
  EXPECT_THAT(Values("SELECT v || '|' || d FROM bronze.t ORDER BY v"),
              ElementsAre("7|123.450", "1099511627776|99999999999.999"));
}

TEST_F(DuckDbMergeTest, SeveralTablesAndTheStateCommitTogetherOrNotAtAll) {
  for (bool commit : {false, true}) {
    auto txn = sink_->Begin("cdc");
    auto& history = txn->Open(LoadSpec{"history", Changes({}).schema(), WriteMode::kAppend});
    auto& current =
        txn->Open(LoadSpec{"current", Changes({}).schema(), WriteMode::kMerge, {"id"}, "deleted"});
    for (int round = 0; round < 3; ++round) {  // interleaved writes to both tables
      Batch b = Changes({{round, "v" + std::to_string(round), false}});
      history.Write(b);
      current.Write(b);
    }
    EXPECT_THROW(txn->Open(LoadSpec{"history", Changes({}).schema()}), SinkError);
    if (commit) txn->Commit("{\"lsn\":\"0/3\"}");
  }
  EXPECT_EQ(Scalar("SELECT count(*) FROM bronze.history"), "3");
  EXPECT_THAT(Rows("current"), ElementsAre("0=v0", "1=v1", "2=v2"));
  EXPECT_EQ(sink_->ReadState("cdc"), "{\"lsn\":\"0/3\"}");
}

}  // namespace
}  // namespace tributary
