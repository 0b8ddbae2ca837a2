// The decoding of SQL Server CDC rows into change history: rows of
// cdc.fn_cdc_get_all_changes_<instance> as the ODBC driver returns them
// (scripted, sqlserver_cdc_script.h) become history rows with the right
// operation, position, sequence and commit time, and batches end on
// transaction boundaries only.
#include "source/sqlserver/sqlserver_cdc_changes.h"

#include "source/sqlserver/sqlserver_cdc_script.h"
#include "source/sqlserver/sqlserver_cdc_sql.h"
#include "support/sqlite_fixture.h"

namespace tributary {
namespace {

const std::string kL60 = "0x0000003C000000100001", kL70 = "0x00000046000000100001",
                  kL80 = "0x00000050000000100001";

class SqlServerCdcChangesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    script_.Exec(
        "CREATE TABLE changes (\"__$start_lsn\" blob, \"__$seqval\" blob, \"__$operation\" "
        "integer, \"__$update_mask\" blob, \"__$commit_time\" timestamp, id integer, name text)");
    auto row = [](const std::string& lsn, int seq, int op, int id, const std::string& name) {
      return "(" + testing::LsnBlob(lsn) + ", x'000000000000000000" + std::to_string(10 + seq) +
             "', " + std::to_string(op) + ", x'03', '2024-05-06 07:08:09.500', " +
             std::to_string(id) + ", " + name + ")";
    };
    script_.Exec("INSERT INTO changes VALUES " + row(kL60, 1, 2, 3, "'new'") + ", " +
                 row(kL70, 1, 3, 1, "'old'") + ", " + row(kL70, 1, 4, 1, "'renamed'") + ", " +
                 row(kL80, 1, 1, 2, "NULL"));
    script_.Answer(SqlServerCdcChangesSql(segment_, {"id", "name"}),
                   "SELECT * FROM changes ORDER BY \"__$start_lsn\", \"__$operation\"");
  }

  std::unique_ptr<SqlServerChangeStream> Stream(Schema columns) {
    SqlServerChangeStreamOptions options;
    options.segments = {segment_};
    options.columns = std::move(columns);
    options.ingested_at = 42;
    options.utc_offset_minutes = 120;
    options.what = "scripted";
    auto query = script_.Query();
    return std::make_unique<SqlServerChangeStream>(
        [query](const SqlServerCdcSegment& s) {
          return query(SqlServerCdcChangesSql(s, {"id", "name"}));
        },
        options);
  }

  static Schema Table() {
    Schema s;
    s.fields = {Field{"id", DataType{TypeId::kInt32}}, Field{"name", DataType{TypeId::kText}}};
    return s;
  }

  testing::SqlServerScript script_;
  SqlServerCdcSegment segment_{"dbo_orders", *SqlServerLsn::Parse(kL60), *SqlServerLsn::Parse(kL80),
                               std::nullopt};
};

TEST_F(SqlServerCdcChangesTest, RowsBecomeHistoryWithBoundariesOnlyAtTransactionEnds) {
  auto stream = Stream(Table());
  auto schema = std::make_shared<const Schema>(HistorySchema(Table()));
  std::vector<std::optional<std::string>> boundaries;
  Batch all(schema);
  for (;;) {
    ChangeBatch batch(schema);
    if (!stream->Next(batch, BatchLimits{1, size_t{1} << 30})) break;
    ASSERT_EQ(batch.rows.num_rows(), 1u);
    boundaries.push_back(batch.boundary);
    for (size_t c = 0; c < all.num_columns(); ++c)
      all.column(c).AppendFrom(batch.rows.column(c), 0);
  }
  // The update's before and after images share a transaction: no boundary between them.
  EXPECT_EQ(boundaries, (std::vector<std::optional<std::string>>{kL60, std::nullopt, kL70, kL80}));
  ASSERT_EQ(all.num_rows(), 4u);
  const char* ops[] = {"insert", "before", "update", "delete"};
  const std::string lsns[] = {kL60, kL70, kL70, kL80};
  const int64_t seqs[] = {1, 1, 2, 1};
  const int32_t ids[] = {3, 1, 1, 2};
  for (size_t r = 0; r < 4; ++r) {
    EXPECT_EQ(all.column(0).GetBytes(r), ops[r]) << r;
    EXPECT_EQ(all.column(1).GetBytes(r), lsns[r]) << r;
    EXPECT_EQ(all.column(2).Get<int64_t>(r), seqs[r]) << r;
    // 07:08:09.5 at the server, two hours ahead of UTC.
    EXPECT_EQ(all.column(3).Get<int64_t>(r), testing::Micros(2024, 5, 6, 5, 8, 9, 500000)) << r;
    EXPECT_TRUE(all.column(4).IsNull(r));
    EXPECT_EQ(all.column(5).Get<int64_t>(r), 42);
    EXPECT_EQ(all.column(6).Get<int32_t>(r), ids[r]) << r;
  }
  EXPECT_EQ(all.column(7).GetBytes(1), "old");
  EXPECT_EQ(all.column(7).GetBytes(2), "renamed");
  EXPECT_TRUE(all.column(7).IsNull(3));
}

TEST_F(SqlServerCdcChangesTest, WholeResultInOneBatchEndsOnItsLastTransaction) {
  auto stream = Stream(Table());
  ChangeBatch batch(std::make_shared<const Schema>(HistorySchema(Table())));
  ASSERT_TRUE(stream->Next(batch, BatchLimits{}));
  EXPECT_EQ(batch.rows.num_rows(), 4u);
  EXPECT_EQ(batch.boundary, kL80);
  ChangeBatch after(batch.rows.shared_schema());
  EXPECT_FALSE(stream->Next(after, BatchLimits{}));
}

TEST_F(SqlServerCdcChangesTest, ACapturedColumnTheHistoryLacksRestartsWithIt) {
  Schema only_id;
  only_id.fields = {Field{"id", DataType{TypeId::kInt32}}};
  auto stream = Stream(only_id);
  ChangeBatch batch(std::make_shared<const Schema>(HistorySchema(only_id)));
  try {
    stream->Next(batch, BatchLimits{});
    FAIL() << "expected CdcRestart";
  } catch (const CdcRestart& restart) {
    ASSERT_EQ(restart.columns.fields.size(), 1u);
    EXPECT_EQ(restart.columns.fields[0].name, "name");
    EXPECT_EQ(restart.columns.fields[0].type.id, TypeId::kText);
  }
}

TEST_F(SqlServerCdcChangesTest, AColumnTheInstanceDoesNotCaptureIsNull) {
  Schema wider = Table();
  wider.fields.push_back(Field{"added_later", DataType{TypeId::kInt64}});
  auto stream = Stream(wider);
  ChangeBatch batch(std::make_shared<const Schema>(HistorySchema(wider)));
  ASSERT_TRUE(stream->Next(batch, BatchLimits{}));
  ASSERT_EQ(batch.rows.num_rows(), 4u);
  for (size_t r = 0; r < 4; ++r) EXPECT_TRUE(batch.rows.column(8).IsNull(r));
}

TEST_F(SqlServerCdcChangesTest, UnknownOperationCodesAreRefused) {
  EXPECT_STREQ(SqlServerCdcHistoryOp(3), "before");
  EXPECT_THROW(SqlServerCdcHistoryOp(5), SourceError);
}

TEST_F(SqlServerCdcChangesTest, SnapshotRowsCarryThePositionAndSeqZero) {
  script_.Exec("CREATE TABLE orders (id integer, name text)");
  script_.Exec("INSERT INTO orders VALUES (1, 'a'), (2, NULL)");
  script_.Answer("table", "SELECT id, name FROM orders ORDER BY id");
  auto rows = SqlServerSnapshotRows(script_.Query()("table"), kL60, 7);
  ASSERT_EQ(rows->schema()->fields.size(), kCdcMetadataColumns + 2);
  Batch b = testing::ReadRows(*rows);
  ASSERT_EQ(b.num_rows(), 2u);
  for (size_t r = 0; r < 2; ++r) {
    EXPECT_EQ(b.column(0).GetBytes(r), "snapshot");
    EXPECT_EQ(b.column(1).GetBytes(r), kL60);
    EXPECT_EQ(b.column(2).Get<int64_t>(r), 0);
    EXPECT_EQ(b.column(3).Get<int64_t>(r), 7);
    EXPECT_EQ(b.column(6).Get<int32_t>(r), static_cast<int32_t>(r + 1));
  }
  EXPECT_TRUE(b.column(7).IsNull(1));
}

}  // namespace
}  // namespace tributary
