// PostgresSink beyond the shared contract: the binary COPY encoder (numeric
// digits, widening into wider columns), opening from the configuration with
// a secret password, the merge index, and run records.
#include "sink/postgres/postgres_sink.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "clients/duckdb/duckdb_sql.h"
#include "common/error.h"
#include "config/project.h"
#include "engine/connectors.h"
#include "sink/postgres/postgres_copy.h"
#include "support/pg_cluster.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::shared_ptr<const Schema> MakeSchema(std::vector<Field> fields) {
  return std::make_shared<const Schema>(Schema{std::move(fields)});
}

class PostgresSinkTest : public ::testing::Test {
 protected:
  PostgresSinkTest()
      : cluster_(testing::SharedPgCluster()),
        database_(cluster_.CreateDatabase()),
        sink_(PgConnectInfo::FromConninfo(cluster_.ConnectionString(database_), "test cluster",
                                          PgSide::kSink),
              "bronze") {}

  std::vector<std::string> Column(const std::string& sql) {
    PgConnection conn(
        PgConnectInfo::FromConninfo(cluster_.ConnectionString(database_), "test", PgSide::kSink));
    PgResult r = conn.Exec(sql, {}, "test query");
    std::vector<std::string> values;
    for (int i = 0; i < PQntuples(r.get()); ++i)
      values.push_back(PgValue(r.get(), i, 0).value_or("NULL"));
    return values;
  }
  void Load(const std::string& table, const Batch& batch, WriteMode mode, LoadSpec spec = {}) {
    spec.table = table;
    spec.schema = batch.schema();
    spec.mode = mode;
    auto txn = sink_.Begin(table);
    txn->Open(spec).Write(batch);
    txn->Commit(std::nullopt);
  }

  testing::PgCluster& cluster_;
  std::string database_;
  PostgresSink sink_;
};

TEST_F(PostgresSinkTest, NumericDigitsRoundTripThroughTheServer) {
  Batch b(MakeSchema({{"k", {TypeId::kInt32}}, {"d", DataType::Decimal(38, 6)}}));
  const std::vector<Int128> values = {0, 1, -1, 10'000, 123'456'789, -100'000'000'000, 999'999};
  Int128 big = 1;
  for (int i = 0; i < 37; ++i) big *= 10;
  std::vector<Int128> all = values;
  all.push_back(big * 9 + 12345);
  all.push_back(-big);
  for (size_t i = 0; i < all.size(); ++i) {
    b.column(0).Append<int32_t>(static_cast<int32_t>(i));
    b.column(1).Append<Int128>(all[i]);
  }
  Load("n", b, WriteMode::kReplace);
  EXPECT_THAT(Column("SELECT d::text FROM bronze.n ORDER BY k"),
              ElementsAre("0.000000", "0.000001", "-0.000001", "0.010000", "123.456789",
                          "-100000.000000", "0.999999", "90000000000000000000000000000000.012345",
                          "-10000000000000000000000000000000.000000"));
}

TEST_F(PostgresSinkTest, NarrowerValuesAreEncodedForTheWiderColumnsOfTheTable) {
  Batch wide(MakeSchema({{"i", {TypeId::kInt64}},
                         {"d", DataType::Decimal(12, 4)},
                         {"f", {TypeId::kFloat64}},
                         {"t", {TypeId::kText}}}));
  wide.column(0).Append<int64_t>(5'000'000'000);
  wide.column(1).Append<Int128>(12345);
  wide.column(2).Append<double>(0.25);
  wide.column(3).AppendBytes("text");
  Load("w", wide, WriteMode::kAppend);
  Batch narrow(MakeSchema({{"i", {TypeId::kInt16}},
                           {"d", DataType::Decimal(5, 1)},
                           {"f", {TypeId::kInt32}},
                           {"t", {TypeId::kJson}}}));
  narrow.column(0).Append<int16_t>(-7);
  narrow.column(1).Append<Int128>(-15);
  narrow.column(2).Append<int32_t>(3);
  narrow.column(3).AppendBytes(R"({"a":1})");
  Load("w", narrow, WriteMode::kAppend);
  EXPECT_THAT(Column("SELECT i || '|' || d || '|' || f || '|' || t FROM bronze.w ORDER BY i"),
              ElementsAre(R"(-7|-1.5000|3|{"a":1})", "5000000000|1.2345|0.25|text"));
}

TEST_F(PostgresSinkTest, MergeCreatesAnIndexOnTheKey) {
  Batch b(MakeSchema({{"id", {TypeId::kInt64}}, {"v", {TypeId::kText}}}));
  b.column(0).Append<int64_t>(1);
  b.column(1).AppendBytes("x");
  LoadSpec merge;
  merge.key = {"id"};
  Load("m", b, WriteMode::kMerge, merge);
  EXPECT_THAT(Column("SELECT indexdef FROM pg_indexes WHERE schemaname = 'bronze' AND "
                     "tablename = 'm'"),
              ElementsAre(HasSubstr("(id)")));
}

TEST_F(PostgresSinkTest, RejectsTextPostgresCannotStore) {
  Batch b(MakeSchema({{"t", {TypeId::kText}}}));
  b.column(0).AppendBytes(std::string("a\0b", 3));
  EXPECT_THAT([&] { Load("bad", b, WriteMode::kReplace); },
              ::testing::ThrowsMessage<SinkError>(HasSubstr("NUL")));
  EXPECT_FALSE(sink_.DescribeTable("bad").has_value());
}

TEST_F(PostgresSinkTest, RecordsRunsAndHistory) {
  TimePoint t0 = FromMicros(1'700'000'000'123'456);
  sink_.RecordRun(RunRecord{"r1", t0, std::nullopt, "running", "run", 1, 0});
  sink_.RecordRun(RunRecord{"r1", t0, t0, "succeeded", "run", 1, 0});
  sink_.RecordTaskResult(TaskResult{"r1", "orders", "full", "shop", "shop.db", "orders", "hourly",
                                    t0, t0, 10, 100, "succeeded", ""});
  sink_.RecordTaskResult(TaskResult{"r2", "orders", "full", "shop", "shop.db", "orders", "hourly",
                                    t0 + std::chrono::seconds(5), t0 + std::chrono::seconds(6), 0,
                                    0, "failed", "boom"});
  auto history = sink_.ReadHistory();
  ASSERT_EQ(history.size(), 1u);
  ASSERT_TRUE(history[0].last_attempt && history[0].last_success);
  EXPECT_EQ(history[0].last_attempt->error, "boom");
  EXPECT_EQ(history[0].last_success->run_id, "r1");
  EXPECT_EQ(history[0].last_success->started_at, t0);
  EXPECT_THAT(Column("SELECT status FROM _tributary.runs"), ElementsAre("succeeded"));
}

// Run records from before the row count and the schema changes were kept:
// the next sink opened adds them and the history stays.
TEST_F(PostgresSinkTest, AnOlderHistoryIsMigratedWithoutLosingIt) {
  TimePoint t0 = FromMicros(1'700'000'000'123'456);
  Column("ALTER TABLE _tributary.task_results DROP COLUMN table_rows");
  Column("DROP TABLE _tributary.schema_changes");
  Column(
      "INSERT INTO _tributary.task_results VALUES ('r0', 'orders', 'full', 'shop', 'shop.db', "
      "'orders', 'hourly', now(), now(), 7, 70, 'succeeded', '') RETURNING 1");
  PostgresSink reopened(PgConnectInfo::FromConninfo(cluster_.ConnectionString(database_),
                                                    "test cluster", PgSide::kSink),
                        "bronze");
  auto history = reopened.ReadHistory();
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].last_success->rows, 7);
  EXPECT_EQ(history[0].last_success->table_rows, -1);
  reopened.RecordTaskResult(TaskResult{"r1", "orders", "full", "shop", "shop.db", "orders",
                                       "hourly", t0, t0, 10, 100, "succeeded", "", 99});
  EXPECT_EQ(reopened.ReadRunResults("r1").at(0).table_rows, 99);
  EXPECT_EQ(reopened.ReadTaskResults("orders", 5).size(), 2u);
  EXPECT_TRUE(reopened.ReadSchemaChanges({}).empty());
}

TEST(PostgresOpenSinkTest, OpensFromTheConfigurationWithASecretPassword) {
  auto& cluster = testing::SharedPgCluster();
  std::string database = cluster.CreateDatabase();
  cluster.Exec("CREATE ROLE loader LOGIN PASSWORD 's3cret''q' CREATEDB SUPERUSER");
  testing::TempDir dir;
  Project project;
  project.dir = dir.path();
  project.sink.kind = "postgresql";
  project.sink.schema = "lake";
  project.sink.settings = {{"host", "127.0.0.1"},
                           {"port", std::to_string(cluster.port())},
                           {"database", database},
                           {"user", "loader"},
                           {"password", "${env:TRIBUTARY_TEST_PG_PASSWORD}"}};
  setenv("TRIBUTARY_TEST_PG_PASSWORD", "s3cret'q", 1);
  auto sink = OpenSink(project);
  EXPECT_THAT(sink->Describe(), HasSubstr(database));
  EXPECT_THAT(sink->Describe(), ::testing::Not(HasSubstr("s3cret")));
  EXPECT_EQ(cluster.Scalar("SELECT count(*) FROM pg_namespace WHERE nspname = 'lake'", database),
            "1");
  unsetenv("TRIBUTARY_TEST_PG_PASSWORD");
  EXPECT_THROW(OpenSink(project), Error);
}

}  // namespace
}  // namespace tributary
