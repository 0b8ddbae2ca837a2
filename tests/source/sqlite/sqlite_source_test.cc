// SqliteSource: opening, describing tables, quoting, queries and batching.
#include "source/sqlite/sqlite_source.h"

#include "common/error.h"
#include "support/sqlite_fixture.h"

namespace tributary {
namespace {

using ::testing::HasSubstr;

class SqliteSourceTest : public testing::SqliteFixture {};

TEST_F(SqliteSourceTest, MissingDatabaseNamesServerDatabaseAndDirectory) {
  try {
    OpenSource(project_, server_, "nope.db");
    FAIL() << "expected an error";
  } catch (const SourceError& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot open sqlite database 'nope.db' in '" +
                                    (dir_ / "data").string() + "' (server 'shop')"));
  }
}

TEST_F(SqliteSourceTest, OtherServerKindsAreNotSupportedYet) {
  server_.kind = "duckdb";
  try {
    Open();
    FAIL() << "expected an error";
  } catch (const SourceError& e) {
    EXPECT_THAT(e.what(), HasSubstr("is of kind 'duckdb', which this build cannot read"));
  }
}

TEST_F(SqliteSourceTest, OpensReadOnly) {
  Exec("CREATE TABLE t (a INTEGER);");
  auto source = Open();
  auto reader = source->Query("INSERT INTO t VALUES (1) RETURNING a");
  Batch b(reader->schema());
  EXPECT_THROW(reader->Next(b, BatchLimits{}), SourceError);
  EXPECT_THROW(source->Query("DELETE FROM t"), SourceError);  // returns no columns
}

// Without statistics the estimate is a count (bounded in time); after
// ANALYZE it is sqlite_stat1's figure, stale until the next ANALYZE.
TEST_F(SqliteSourceTest, EstimatesRowsByCountThenFromSqliteStat1) {
  Exec(
      "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); CREATE TABLE plain (x); "
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
      "INSERT INTO t SELECT i, 'v' || i FROM n; INSERT INTO plain VALUES (1), (2);");
  EXPECT_EQ(Open()->EstimateRows(TableRef{"", "t"}), 3000);
  Exec("CREATE INDEX t_v ON t (v); ANALYZE; INSERT INTO t (v) VALUES ('late');");
  auto source = Open();
  EXPECT_EQ(source->EstimateRows(TableRef{"", "t"}), 3000);
  EXPECT_EQ(source->EstimateRows(TableRef{"main", "plain"}), 2);
  EXPECT_THROW(source->EstimateRows(TableRef{"", "missing"}), SourceError);
}

TEST_F(SqliteSourceTest, DescribeTableKeepsOrderTypesAndNullability) {
  Exec(
      "CREATE TABLE t (id INTEGER PRIMARY KEY, price DECIMAL(10,2) NOT NULL, note TEXT, "
      "g INTEGER GENERATED ALWAYS AS (id * 2) VIRTUAL);");
  Schema schema = Open()->DescribeTable(TableRef{"", "t"});
  ASSERT_EQ(schema.fields.size(), 4u);
  EXPECT_EQ(schema.fields[0].name, "id");
  EXPECT_EQ(schema.fields[1].type, DataType::Decimal(10, 2));
  EXPECT_FALSE(schema.fields[1].nullable);
  EXPECT_TRUE(schema.fields[2].nullable);
  EXPECT_EQ(schema.fields[3].name, "g");
  EXPECT_EQ(Open()->DescribeTable(TableRef{"main", "t"}), schema);
}

TEST_F(SqliteSourceTest, MissingTableIsNamed) {
  Exec("CREATE TABLE t (a INTEGER);");
  try {
    Open()->DescribeTable(TableRef{"", "orders"});
    FAIL() << "expected an error";
  } catch (const SourceError& e) {
    EXPECT_THAT(e.what(), HasSubstr("table 'main.orders' does not exist"));
    EXPECT_THAT(e.what(), HasSubstr("sqlite server 'shop' database 't.db'"));
  }
  EXPECT_THROW(Open()->Query("SELECT * FROM orders"), SourceError);
}

TEST_F(SqliteSourceTest, WeirdIdentifiersAreQuoted) {
  Exec(R"(CREATE TABLE "we""ird Table" ("select" INTEGER, "Mixed Case" TEXT, "a""b" REAL, "" TEXT);
          INSERT INTO "we""ird Table" VALUES (1, 'x', 2.5, 'empty name');)");
  auto source = Open();
  TableRef ref{"main", "we\"ird Table"};
  Schema schema = source->DescribeTable(ref);
  ASSERT_EQ(schema.fields.size(), 4u);
  EXPECT_EQ(schema.fields[2].name, "a\"b");
  std::string sql = source->dialect().SelectColumns(ref, schema);
  EXPECT_EQ(sql, R"(SELECT "select", "Mixed Case", "a""b", "" FROM "main"."we""ird Table")");
  Batch b = ReadAll(sql);
  ASSERT_EQ(b.num_rows(), 1u);
  EXPECT_EQ(b.schema().fields[1].name, "Mixed Case");
  EXPECT_EQ(b.column(1).GetBytes(0), "x");
  EXPECT_EQ(b.column(2).Get<double>(0), 2.5);
}

TEST_F(SqliteSourceTest, BatchesByRows) {
  Exec(
      "CREATE TABLE t (i INTEGER); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
      "WHERE i < 10) INSERT INTO t SELECT i FROM n;");
  auto source = Open();
  auto reader = source->Query("SELECT i FROM t ORDER BY i");
  BatchLimits limits{3, 1 << 20};
  std::vector<size_t> sizes;
  int64_t expected = 1;
  for (Batch b(reader->schema()); reader->Next(b, limits); b.Clear()) {
    sizes.push_back(b.num_rows());
    for (size_t r = 0; r < b.num_rows(); ++r) EXPECT_EQ(b.column(0).Get<int64_t>(r), expected++);
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{3, 3, 3, 1}));
  Batch after(reader->schema());
  EXPECT_FALSE(reader->Next(after, limits));
}

TEST_F(SqliteSourceTest, BatchesByBytes) {
  Exec(
      "CREATE TABLE t (s TEXT); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
      "WHERE i < 100) INSERT INTO t SELECT printf('%.100c', 'x') FROM n;");
  auto source = Open();
  auto reader = source->Query("SELECT s FROM t");
  BatchLimits limits{1000, 1000};
  size_t batches = 0;
  size_t rows = 0;
  for (Batch b(reader->schema()); reader->Next(b, limits); b.Clear()) {
    ++batches;
    rows += b.num_rows();
    EXPECT_LE(b.ByteSize(), 1000u + 120u);
  }
  EXPECT_EQ(rows, 100u);
  EXPECT_GE(batches, 10u);
}

TEST_F(SqliteSourceTest, ExpressionTypesComeFromTheirValues) {
  Exec("CREATE TABLE t (a INTEGER);");
  Batch b = ReadAll(
      "/* tributary run=x */ SELECT 1 + 1 AS two, 'x' || 'y' AS s, 1.5 AS r, "
      "NULL AS n, x'00' AS b");
  const TypeId expected[] = {TypeId::kInt64, TypeId::kText, TypeId::kFloat64, TypeId::kText,
                             TypeId::kBytes};
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(b.schema().fields[i].type.id, expected[i]) << i;
  EXPECT_EQ(b.column(0).Get<int64_t>(0), 2);
  EXPECT_TRUE(b.column(3).IsNull(0));
}

TEST_F(SqliteSourceTest, ExpressionTypesWidenOverTheLookahead) {
  Exec("CREATE TABLE t (i INTEGER); INSERT INTO t VALUES (1), (2), (3);");
  Batch b = ReadAll(
      "SELECT CASE i WHEN 1 THEN NULL WHEN 2 THEN 5 ELSE 2.5 END AS v, "
      "max(i, 0) AS m FROM t ORDER BY i");
  EXPECT_EQ(b.schema().fields[0].type.id, TypeId::kFloat64);
  EXPECT_EQ(b.schema().fields[1].type.id, TypeId::kInt64);  // typed column inside an expression
  EXPECT_TRUE(b.column(0).IsNull(0));
  EXPECT_EQ(b.column(0).Get<double>(1), 5.0);
  EXPECT_EQ(b.column(0).Get<double>(2), 2.5);
}

TEST_F(SqliteSourceTest, ExpressionThatChangesTypeAfterTheLookaheadFails) {
  Exec(
      "CREATE TABLE t (i INTEGER); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
      "WHERE i < 1500) INSERT INTO t SELECT i FROM n;");
  try {
    ReadAll("SELECT CASE WHEN i < 1200 THEN i ELSE 'abc' END AS v FROM t ORDER BY i");
    FAIL() << "expected an error";
  } catch (const SourceError& e) {
    EXPECT_THAT(e.what(), HasSubstr("query result column 'v' row 1200: TEXT 'abc'"));
  }
}

TEST_F(SqliteSourceTest, QueryErrors) {
  Exec("CREATE TABLE t (a INTEGER, b INTEGER);");
  auto source = Open();
  EXPECT_THROW(source->Query("SELECT 1; SELECT 2"), SourceError);
  EXPECT_THROW(source->Query("SELEC 1"), SourceError);
  EXPECT_THROW(source->Query("   "), SourceError);
  try {
    source->Query("SELECT a, b AS a FROM t");
    FAIL() << "expected an error";
  } catch (const SourceError& e) {
    EXPECT_THAT(e.what(), HasSubstr("two columns named 'a'"));
  }
  EXPECT_NO_THROW(source->Query("SELECT a FROM t;  \n"));
}

TEST_F(SqliteSourceTest, ReaderOutlivesSource) {
  Exec("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1), (2);");
  auto source = Open();
  auto reader = source->Query("SELECT a FROM t");
  source.reset();
  Batch b(reader->schema());
  EXPECT_TRUE(reader->Next(b, BatchLimits{}));
  EXPECT_EQ(b.num_rows(), 2u);
}

}  // namespace
}  // namespace tributary

namespace tributary {
namespace {

TEST(SqliteSourceSecretsTest, DirectoryMayComeFromTheEnvironment) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir / "elsewhere");
  testing::SqliteExec(dir / "elsewhere" / "db.sqlite",
                      "CREATE TABLE t (id INTEGER); INSERT INTO t VALUES (7);");
  setenv("TRIBUTARY_TEST_SQLITE_DIR", (dir / "elsewhere").c_str(), 1);
  Project project;
  project.dir = dir.path();
  ServerConfig server{"s", "sqlite", {{"directory", "${env:TRIBUTARY_TEST_SQLITE_DIR}"}}, {}};
  SqliteSource source(project, server, "db.sqlite");
  EXPECT_EQ(source.DescribeTable({"", "t"}).fields.size(), 1u);
  unsetenv("TRIBUTARY_TEST_SQLITE_DIR");
}

}  // namespace
}  // namespace tributary
