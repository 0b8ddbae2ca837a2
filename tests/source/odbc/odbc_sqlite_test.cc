// The ODBC layer against a second real driver: the SQLite3 ODBC driver
// (Debian's libsqliteodbc) reading SQLite files.
#include "common/error.h"
#include "source/odbc/odbc_reader.h"
#include "support/odbc_fixture.h"
#include "support/sqlite_fixture.h"

namespace tributary {
namespace {

class OdbcSqliteTest : public ::testing::Test {
 protected:
  std::shared_ptr<OdbcConnection> Open() {
    OdbcConnectionString cs;
    cs.Add("DRIVER", testing::OdbcDriverPath("libsqlite3odbc.so", "libsqliteodbc"))
        .Add("Database", (dir_ / "t.db").string());
    return testing::OpenOdbc(cs, "sqlite odbc test");
  }
  void Exec(const std::string& sql) { testing::SqliteExec(dir_ / "t.db", sql); }

  testing::TempDir dir_;
};

TEST_F(OdbcSqliteTest, DeclaredTypesRoundTripThroughTheDriver) {
  Exec(
      "CREATE TABLE t (i integer, b bigint, r real, t text, v varchar(5), x blob, dt date, "
      "ts timestamp, tm time, bo boolean)");
  Exec(
      "INSERT INTO t VALUES (-7, 9007199254740993, 2.5, 'héllo 😀', 'abc', x'00ff01', "
      "'1999-12-31', '2024-01-02 03:04:05.250', '10:11:12', 1), "
      "(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)");
  Batch b = testing::ReadAllOdbc(*Open(), "SELECT * FROM t");
  ASSERT_EQ(b.num_rows(), 2u);
  const Schema& s = b.schema();
  EXPECT_EQ(s.fields[0].type.id, TypeId::kInt32);
  EXPECT_EQ(b.column(0).Get<int32_t>(0), -7);
  EXPECT_EQ(s.fields[1].type.id, TypeId::kInt64);
  EXPECT_EQ(b.column(1).Get<int64_t>(0), 9007199254740993);
  EXPECT_EQ(s.fields[2].type.id, TypeId::kFloat64);
  EXPECT_EQ(b.column(2).Get<double>(0), 2.5);
  EXPECT_EQ(b.column(3).GetBytes(0), "héllo 😀");
  EXPECT_EQ(b.column(4).GetBytes(0), "abc");
  EXPECT_EQ(s.fields[5].type.id, TypeId::kBytes);
  EXPECT_EQ(b.column(5).GetBytes(0), std::string("\x00\xff\x01", 3));
  EXPECT_EQ(b.column(6).Get<int32_t>(0), testing::Days(1999, 12, 31));
  EXPECT_EQ(b.column(7).Get<int64_t>(0), testing::Micros(2024, 1, 2, 3, 4, 5, 250000));
  EXPECT_EQ(b.column(8).Get<int64_t>(0), (10 * 3600 + 11 * 60 + 12) * int64_t{1'000'000});
  EXPECT_EQ(s.fields[9].type.id, TypeId::kBool);
  EXPECT_EQ(b.column(9).Get<uint8_t>(0), 1);
  for (size_t c = 0; c < b.num_columns(); ++c) EXPECT_TRUE(b.column(c).IsNull(1)) << c;
}

TEST_F(OdbcSqliteTest, BlockFetchesMatchRowByRowValues) {
  Exec("CREATE TABLE t (id integer, name varchar(16))");
  std::string insert = "INSERT INTO t VALUES ";
  for (int i = 1; i <= 3000; ++i) {
    insert += (i > 1 ? ", (" : "(") + std::to_string(i) + ", 'n" + std::to_string(i) + "')";
  }
  Exec(insert);
  auto conn = Open();
  auto reader = conn->Query("SELECT id, name FROM t ORDER BY id");
  EXPECT_GT(static_cast<OdbcReader&>(*reader).rows_per_fetch(), 1u);
  Batch b(reader->schema());
  int expected = 1;
  while (reader->Next(b, BatchLimits{1000, size_t{1} << 30})) {
    for (size_t r = 0; r < b.num_rows(); ++r, ++expected) {
      ASSERT_EQ(b.column(0).Get<int32_t>(r), expected);
      ASSERT_EQ(b.column(1).GetBytes(r), "n" + std::to_string(expected));
    }
    b.Clear();
  }
  EXPECT_EQ(expected, 3001);
}

TEST_F(OdbcSqliteTest, DriverErrorsNameWhere) {
  Exec("CREATE TABLE t (a integer)");
  try {
    testing::ReadAllOdbc(*Open(), "SELECT nope FROM t");
    FAIL() << "expected an error";
  } catch (const SourceError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("sqlite odbc test: query failed: ["));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("nope"));
  }
}

}  // namespace
}  // namespace tributary
