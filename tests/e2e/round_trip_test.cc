// SQLite table with every mapped type → SqliteReader → Batch → DuckDB
// writer → read back through DuckDB SQL as text.
#include "config/project.h"
#include "engine/connectors.h"
#include "support/duckdb_fixture.h"
#include "support/quickstart.h"

namespace tributary {
namespace {

class RoundTripTest : public testing::DuckDbFixture {
 protected:
  RoundTripTest() {
    project_.dir = dir_.path();
    server_ = ServerConfig{"shop", "sqlite", {{"directory", "."}}, {}};
  }

  // Copies SQLite table `table` into the sink in batches of `rows` rows.
  void Copy(const std::string& table, size_t rows) {
    auto source = OpenSource(project_, server_, "src.db");
    TableRef ref{"", table};
    auto reader = source->Query(source->dialect().SelectColumns(ref, source->DescribeTable(ref)));
    auto txn = sink_->Begin(table);
    auto& writer = txn->Open(LoadSpec{table, *reader->schema(), WriteMode::kReplace});
    for (Batch b(reader->schema()); reader->Next(b, BatchLimits{rows, 1 << 20}); b.Clear()) {
      writer.Write(b);
    }
    txn->Commit("done");
  }

  std::vector<std::string> Column(const std::string& column) {
    return Values("SELECT CAST(" + DuckQuote(column) +
                  " AS VARCHAR) FROM lake.bronze.every ORDER BY rowid");
  }

  Project project_;
  ServerConfig server_;
};

TEST_F(RoundTripTest, EveryTypeFromSqliteIntoDuckDb) {
  testing::SqliteExec(dir_ / "src.db", R"sql(
    CREATE TABLE every ("b" BOOLEAN, "i16" SMALLINT, "i64" INTEGER, "f" REAL, "d" DECIMAL(10,2),
      "d4" DECIMAL(4,1), "d18" DECIMAL(18,3), "d38" DECIMAL(38,6), "t" TEXT, "by" BLOB,
      "dt" DATE, "tm" TIME, "ts" TIMESTAMP, "tz" TIMESTAMPTZ, "j" JSON, "u" UUID, "n" NUMERIC);
    INSERT INTO every VALUES
      (1, -32768, -9223372036854775808, 1.5, '12345678.90', -999.9, '123456789012.345',
       123456789012.5, 'Åse 🙂', x'00ff00', '2024-05-01', '12:34:56.789',
       '2024-05-01 12:34:56.123456', '2024-05-01T12:34:56+02:00', '{"a":[1,2]}',
       '00112233-4455-6677-8899-aabbccddeeff', 0.25),
      (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL),
      (0, 32767, 9223372036854775807, -9e999, '-0.01', 0.05, -1, 0, '', x'', '1969-12-31',
       '00:00', '1900-01-01', '2024-12-31T23:30:00-01:00', '[]',
       'ffffffff-ffff-ffff-ffff-ffffffffffff', 7),
      (0, 0, 0, 0.1, 0, 0, 0, -0.000001, 'x', x'', '9999-12-31', '23:59:59.999999',
       '2024-02-29 23:59:59.999999', '1970-01-01T00:00:00Z', 'null',
       '80000000-0000-0000-0000-000000000000', -1e300);
  )sql");
  Copy("every", 2);  // several batches
  const std::vector<std::pair<std::string, std::vector<std::string>>> expected = {
      {"b", {"true", "NULL", "false", "false"}},
      {"i16", {"-32768", "NULL", "32767", "0"}},
      {"i64", {"-9223372036854775808", "NULL", "9223372036854775807", "0"}},
      {"f", {"1.5", "NULL", "-inf", "0.1"}},
      {"d", {"12345678.90", "NULL", "-0.01", "0.00"}},
      {"d4", {"-999.9", "NULL", "0.1", "0.0"}},
      {"d18", {"123456789012.345", "NULL", "-1.000", "0.000"}},
      {"d38", {"123456789012.500000", "NULL", "0.000000", "-0.000001"}},
      {"t", {"Åse 🙂", "NULL", "", "x"}},
      {"by", {"\\x00\\xFF\\x00", "NULL", "", ""}},
      {"dt", {"2024-05-01", "NULL", "1969-12-31", "9999-12-31"}},
      {"tm", {"12:34:56.789", "NULL", "00:00:00", "23:59:59.999999"}},
      {"ts",
       {"2024-05-01 12:34:56.123456", "NULL", "1900-01-01 00:00:00", "2024-02-29 23:59:59.999999"}},
      {"tz",
       {"2024-05-01 10:34:56+00", "NULL", "2025-01-01 00:30:00+00", "1970-01-01 00:00:00+00"}},
      {"j", {"{\"a\":[1,2]}", "NULL", "[]", "null"}},
      {"u",
       {"00112233-4455-6677-8899-aabbccddeeff", "NULL", "ffffffff-ffff-ffff-ffff-ffffffffffff",
        "80000000-0000-0000-0000-000000000000"}},
      {"n", {"0.25", "NULL", "7.0", "-1e+300"}},
  };
  for (const auto& [column, values] : expected) EXPECT_EQ(Column(column), values) << column;
  auto schema = sink_->DescribeTable("every");
  ASSERT_TRUE(schema.has_value());
  EXPECT_EQ(schema->fields[7].type, DataType::Decimal(38, 6));
  EXPECT_EQ(schema->fields[14].type.id, TypeId::kJson);
  EXPECT_EQ(schema->fields[15].type.id, TypeId::kUuid);
  EXPECT_EQ(sink_->ReadState("every"), "done");
}

// Types SQLite never produces, written straight from a batch.
TEST_F(RoundTripTest, EngineOnlyTypesIntoDuckDb) {
  Batch batch(testing::MakeSchema({{"i32", {TypeId::kInt32}},
                                   {"f32", {TypeId::kFloat32}},
                                   {"iv", {TypeId::kInterval}},
                                   {"d9", DataType::Decimal(9, 4)},
                                   {"d38", DataType::Decimal(38, 0)}}));
  Int128 big = 1;
  for (int i = 0; i < 37; ++i) big *= 10;
  batch.column(0).Append<int32_t>(-2147483647 - 1);
  batch.column(1).Append<float>(0.5f);
  batch.column(2).Append<Interval>(Interval{14, 3, 3'723'000'004});
  batch.column(3).Append<Int128>(-12345678);
  batch.column(4).Append<Int128>(-big * 9);
  Load("every", batch, WriteMode::kReplace);
  EXPECT_EQ(Column("i32"), std::vector<std::string>{"-2147483648"});
  EXPECT_EQ(Column("f32"), std::vector<std::string>{"0.5"});
  EXPECT_EQ(Column("iv"), std::vector<std::string>{"1 year 2 months 3 days 01:02:03.000004"});
  EXPECT_EQ(Column("d9"), std::vector<std::string>{"-1234.5678"});
  EXPECT_EQ(Column("d38"), std::vector<std::string>{"-9" + std::string(37, '0')});
}

}  // namespace
}  // namespace tributary

namespace tributary {
namespace {

// The quickstart's shop database, every table, through the strict reader.
TEST(RoundTripQuickstartTest, EveryShopTableLoads) {
  testing::TempDir dir;
  auto project_dir = testing::MakeQuickstartProject(dir.path());
  Project project;
  project.dir = project_dir;
  ServerConfig server{"shop", "sqlite", {{"directory", "data"}}, {}};
  DuckDbSink sink(dir / "lake.duckdb", "bronze");
  auto source = OpenSource(project, server, "shop.db");
  for (const char* table : {"customers", "products", "orders", "order_lines", "events"}) {
    TableRef ref{"", table};
    auto reader = source->Query(source->dialect().SelectColumns(ref, source->DescribeTable(ref)));
    auto txn = sink.Begin(table);
    auto& writer = txn->Open(LoadSpec{table, *reader->schema(), WriteMode::kReplace});
    size_t rows = 0;
    for (Batch b(reader->schema()); reader->Next(b, BatchLimits{1000, 1 << 20}); b.Clear()) {
      rows += b.num_rows();
      writer.Write(b);
    }
    txn->Commit(std::nullopt);
    EXPECT_GT(rows, 0u) << table;
  }
  DuckConnection conn = sink.Connect();
  DuckResult result = DuckExec(conn.get(), "SELECT count(*) FROM lake.bronze.customers", "count");
  EXPECT_EQ(ResultText(result, 0, 0), "2000");
}

}  // namespace
}  // namespace tributary
