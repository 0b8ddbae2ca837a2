// The ODBC layer for real: unixODBC + psqlODBC (Unicode) against the
// throwaway PostgreSQL cluster. Covers type mapping, bound block fetches,
// piecewise long values, errors, escaping and reader lifetime.
#include <limits>

#include "common/error.h"
#include "data/types.h"
#include "source/odbc/odbc_reader.h"
#include "support/odbc_fixture.h"
#include "support/sqlite_fixture.h"

namespace tributary {
namespace {

using testing::Days;
using ::testing::HasSubstr;
using testing::Micros;
using ::testing::Not;

class OdbcPostgresTest : public ::testing::Test {
 protected:
  // Each check runs in a database of its own. Checks are grouped into a few
  // tests because every test process starts its own PostgreSQL cluster.
  void Fresh() { db_ = testing::SharedPgCluster().CreateDatabase(); }
  void IntegersFloatsAndBooleansRoundTrip();
  void DecimalsAreExact();
  void DecimalFinerThanTheDeclaredScaleIsAnErrorNotRounding();
  void TextIsUtf8WhateverTheLengthAndSurrogatePairsSurvive();
  void LongValuesAreReadPiecewiseIncludingColumnsAfterThem();
  void BytesKeepZeroBytes();
  void DatesTimesTimestampsAndUuids();
  void ManyRowsArriveInBlocksAcrossBatches();
  void UnmappableTypeNamesColumnAndType();
  void QueryErrorsCarryWhereAndDriverMessage();
  void ResultsWithoutColumnsOrWithDuplicateNamesAreRefused();
  void ConnectionFailureNamesWhereAndNeverThePassword();
  void BracedValuesCannotInjectAttributes();
  void ReaderOutlivesItsConnectionOwnerAndCancelsWhenDroppedEarly();
  void DriverInfoIsAvailable();

  std::shared_ptr<OdbcConnection> Open() {
    return testing::OpenOdbc(testing::PgOdbcConnectionString(db_), Where());
  }
  std::string Where() const { return "postgresql test database '" + db_ + "'"; }
  void Exec(const std::string& sql) { testing::SharedPgCluster().Exec(sql, db_); }
  Batch Read(const std::string& sql) { return testing::ReadAllOdbc(*Open(), sql); }
  std::string ReadError(const std::string& sql) {
    try {
      Read(sql);
    } catch (const SourceError& e) {
      return e.what();
    }
    return "<no error>";
  }

  std::string db_;
};

void OdbcPostgresTest::IntegersFloatsAndBooleansRoundTrip() {
  Fresh();
  Batch b = Read(
      "SELECT true AS t, false AS f, NULL::boolean AS n, (-32768)::smallint AS s, "
      "(-2147483648)::integer AS i, 9223372036854775807::bigint AS l, 1.5::real AS r, "
      "'-1e300'::double precision AS d");
  ASSERT_EQ(b.num_rows(), 1u);
  const Schema& s = b.schema();
  EXPECT_EQ(s.fields[0].type.id, TypeId::kBool);
  EXPECT_EQ(b.column(0).Get<uint8_t>(0), 1);
  EXPECT_EQ(b.column(1).Get<uint8_t>(0), 0);
  EXPECT_TRUE(b.column(2).IsNull(0));
  EXPECT_EQ(s.fields[3].type.id, TypeId::kInt16);
  EXPECT_EQ(b.column(3).Get<int16_t>(0), -32768);
  EXPECT_EQ(s.fields[4].type.id, TypeId::kInt32);
  EXPECT_EQ(b.column(4).Get<int32_t>(0), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(s.fields[5].type.id, TypeId::kInt64);
  EXPECT_EQ(b.column(5).Get<int64_t>(0), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(s.fields[6].type.id, TypeId::kFloat32);
  EXPECT_EQ(b.column(6).Get<float>(0), 1.5f);
  EXPECT_EQ(s.fields[7].type.id, TypeId::kFloat64);
  EXPECT_EQ(b.column(7).Get<double>(0), -1e300);
}

void OdbcPostgresTest::DecimalsAreExact() {
  Fresh();
  Exec("CREATE TABLE t (v numeric(38,10))");
  Exec("INSERT INTO t VALUES (1234567890123456789012345678.0123456789), (-0.5), (0), (NULL)");
  Batch b = Read("SELECT v FROM t");
  EXPECT_EQ(b.schema().fields[0].type, DataType::Decimal(38, 10));
  Int128 big = 0;
  for (char c : std::string("12345678901234567890123456780123456789")) big = big * 10 + (c - '0');
  EXPECT_TRUE(b.column(0).Get<Int128>(0) == big);
  EXPECT_TRUE(b.column(0).Get<Int128>(1) == -5'000'000'000);
  EXPECT_TRUE(b.column(0).Get<Int128>(2) == 0);
  EXPECT_TRUE(b.column(0).IsNull(3));
}

void OdbcPostgresTest::DecimalFinerThanTheDeclaredScaleIsAnErrorNotRounding() {
  Fresh();
  // psqlODBC declares an unbounded numeric as numeric(28,6).
  Exec("CREATE TABLE t (v numeric)");
  Exec("INSERT INTO t VALUES (1.25), (1.1234567)");
  std::string error = ReadError("SELECT v FROM t");
  EXPECT_THAT(error, HasSubstr("column 'v' row 2: the driver returned '1.1234567', which is not a "
                               "valid decimal(28,6)"));
  EXPECT_THAT(error, HasSubstr(Where()));
}

void OdbcPostgresTest::TextIsUtf8WhateverTheLengthAndSurrogatePairsSurvive() {
  Fresh();
  Exec("CREATE TABLE t (c char(4), v varchar(12), x text)");
  Exec("INSERT INTO t VALUES ('ab', 'héllo 😀 ''q''', 'plain'), (NULL, '', NULL)");
  Batch b = Read("SELECT c, v, x FROM t");
  ASSERT_EQ(b.num_rows(), 2u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(b.schema().fields[i].type.id, TypeId::kText);
  EXPECT_EQ(b.column(0).GetBytes(0), "ab  ");
  EXPECT_EQ(b.column(1).GetBytes(0), "héllo 😀 'q'");
  EXPECT_EQ(b.column(2).GetBytes(0), "plain");
  EXPECT_TRUE(b.column(0).IsNull(1));
  EXPECT_FALSE(b.column(1).IsNull(1));
  EXPECT_EQ(b.column(1).GetBytes(1), "");
}

void OdbcPostgresTest::LongValuesAreReadPiecewiseIncludingColumnsAfterThem() {
  Fresh();
  // 300 000 characters with a 4-byte character every 7: pieces of the
  // UTF-16 stream end inside surrogate pairs.
  Exec("CREATE TABLE t (id int, body text, tail int, blob bytea)");
  Exec(
      "INSERT INTO t SELECT 1, repeat('abcdef😀', 40000), 7, "
      "decode(repeat('00ff10', 100000), 'hex')");
  auto conn = Open();
  auto reader = conn->Query("SELECT id, body, tail, blob FROM t");
  EXPECT_EQ(static_cast<OdbcReader&>(*reader).rows_per_fetch(), 1u);
  Batch b(reader->schema());
  ASSERT_TRUE(reader->Next(b, BatchLimits{}));
  std::string expected;
  for (int i = 0; i < 40000; ++i) expected += "abcdef😀";
  EXPECT_EQ(b.column(0).Get<int32_t>(0), 1);
  EXPECT_EQ(b.column(1).GetBytes(0), expected);
  EXPECT_EQ(b.column(2).Get<int32_t>(0), 7);
  std::string blob;
  for (int i = 0; i < 100000; ++i) blob += std::string("\x00\xff\x10", 3);
  EXPECT_EQ(b.column(3).GetBytes(0), blob);
}

void OdbcPostgresTest::BytesKeepZeroBytes() {
  Fresh();
  Batch b = Read("SELECT '\\x00ff0001'::bytea AS v, ''::bytea AS e");
  EXPECT_EQ(b.schema().fields[0].type.id, TypeId::kBytes);
  EXPECT_EQ(b.column(0).GetBytes(0), std::string("\x00\xff\x00\x01", 4));
  EXPECT_EQ(b.column(1).GetBytes(0), "");
}

void OdbcPostgresTest::DatesTimesTimestampsAndUuids() {
  Fresh();
  Batch b = Read(
      "SELECT '2024-02-29'::date AS d, '1901-12-13'::date AS old, '23:59:58.123456'::time AS t, "
      "'2024-01-02 03:04:05.123456'::timestamp AS ts, '1969-12-31 23:59:59.5'::timestamp AS pre, "
      "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS u");
  const Schema& s = b.schema();
  EXPECT_EQ(s.fields[0].type.id, TypeId::kDate);
  EXPECT_EQ(b.column(0).Get<int32_t>(0), Days(2024, 2, 29));
  EXPECT_EQ(b.column(1).Get<int32_t>(0), Days(1901, 12, 13));
  EXPECT_EQ(s.fields[2].type.id, TypeId::kTime);
  EXPECT_EQ(b.column(2).Get<int64_t>(0), ((23 * 60 + 59) * 60 + 58) * int64_t{1'000'000} + 123456);
  EXPECT_EQ(s.fields[3].type.id, TypeId::kTimestamp);
  EXPECT_EQ(b.column(3).Get<int64_t>(0), Micros(2024, 1, 2, 3, 4, 5, 123456));
  EXPECT_EQ(b.column(4).Get<int64_t>(0), Micros(1969, 12, 31, 23, 59, 59, 500000));
  EXPECT_EQ(s.fields[5].type.id, TypeId::kUuid);
  Uuid u = b.column(5).Get<Uuid>(0);
  EXPECT_EQ(u.bytes[0], 0xa0);
  EXPECT_EQ(u.bytes[15], 0x11);
}

void OdbcPostgresTest::ManyRowsArriveInBlocksAcrossBatches() {
  Fresh();
  Exec(
      "CREATE TABLE t AS SELECT g AS id, 'row ' || g AS name, g * 0.5 AS half "
      "FROM generate_series(1, 5000) g");
  Exec("ALTER TABLE t ALTER COLUMN name TYPE varchar(20), ALTER COLUMN half TYPE numeric(10,1)");
  auto conn = Open();
  auto reader = conn->Query("SELECT id, name, half FROM t ORDER BY id");
  EXPECT_GT(static_cast<OdbcReader&>(*reader).rows_per_fetch(), 1u);
  BatchLimits limits{700, size_t{1} << 30};
  int64_t expected = 1;
  size_t batches = 0;
  Batch b(reader->schema());
  while (reader->Next(b, limits)) {
    ++batches;
    EXPECT_LE(b.num_rows(), 700u);
    for (size_t r = 0; r < b.num_rows(); ++r, ++expected) {
      ASSERT_EQ(b.column(0).Get<int32_t>(r), expected);
      ASSERT_EQ(b.column(1).GetBytes(r), "row " + std::to_string(expected));
      ASSERT_TRUE(b.column(2).Get<Int128>(r) == expected * 5);
    }
    b.Clear();
  }
  EXPECT_EQ(expected, 5001);
  EXPECT_EQ(batches, 8u);
  EXPECT_FALSE(reader->Next(b, limits));
}

void OdbcPostgresTest::UnmappableTypeNamesColumnAndType() {
  Fresh();
  // More than 38 digits has no exact tributary type.
  std::string error = ReadError("SELECT 1.5::numeric(40,2) AS wide");
  EXPECT_THAT(error, HasSubstr(Where() + ": query result column 'wide' has type numeric"));
  EXPECT_THAT(error, HasSubstr("which tributary cannot load exactly; cast it"));
}

void OdbcPostgresTest::QueryErrorsCarryWhereAndDriverMessage() {
  Fresh();
  std::string error = ReadError("SELECT * FROM no_such_table");
  EXPECT_THAT(error, HasSubstr(Where() + ": query failed: [42P01]"));
  EXPECT_THAT(error, HasSubstr("no_such_table"));
}

void OdbcPostgresTest::ResultsWithoutColumnsOrWithDuplicateNamesAreRefused() {
  Fresh();
  EXPECT_THAT(ReadError("CREATE TEMP TABLE x (a int)"), HasSubstr("the query returns no columns"));
  EXPECT_THAT(ReadError("SELECT 1 AS a, 2 AS a"),
              HasSubstr("result column 2 repeats the name 'a'; give every column"));
}

void OdbcPostgresTest::ConnectionFailureNamesWhereAndNeverThePassword() {
  Fresh();
  OdbcConnectionString cs;
  cs.Add("DRIVER", testing::OdbcDriverPath("psqlodbcw.so", "odbc-postgresql"))
      .Add("SERVER", "127.0.0.1")
      .Add("PORT", "1")  // nothing listens there
      .Add("DATABASE", db_)
      .Add("UID", "tributary")
      .Add("PWD", "s3cr3t;pa}ss", true);
  OdbcConnectOptions options{cs.str(), "test server 'pg' database '" + db_ + "'", cs.Secrets(), 5,
                             "check the test settings"};
  try {
    OdbcConnection::Open(options);
    FAIL() << "expected an error";
  } catch (const SourceError& e) {
    std::string message = e.what();
    EXPECT_THAT(message, HasSubstr("test server 'pg' database '" + db_ + "': cannot connect: ["));
    EXPECT_THAT(message, HasSubstr("; check the test settings"));
    EXPECT_THAT(message, Not(HasSubstr("s3cr3t")));
  }
}

void OdbcPostgresTest::BracedValuesCannotInjectAttributes() {
  Fresh();
  // A password full of connection-string syntax, followed by an attempt to
  // override DATABASE: if braces did not delimit it, the injected DATABASE
  // (later in the string) would win. (The test cluster trusts every login,
  // so the password itself is not checked.)
  OdbcConnectionString cs;
  cs.Add("DRIVER", testing::OdbcDriverPath("psqlodbcw.so", "odbc-postgresql"))
      .Add("SERVER", "127.0.0.1")
      .Add("PORT", std::to_string(testing::SharedPgCluster().port()))
      .Add("DATABASE", db_)
      .Add("UID", "tributary")
      .Add("PWD", "a;b}c=d;DATABASE=postgres", true);
  EXPECT_THAT(cs.str(), HasSubstr("PWD={a;b}}c=d;DATABASE=postgres};"));
  auto conn = testing::OpenOdbc(cs, "braces");
  Batch b = testing::ReadAllOdbc(*conn, "SELECT current_database() AS db");
  EXPECT_EQ(b.column(0).GetBytes(0), db_);
}

void OdbcPostgresTest::ReaderOutlivesItsConnectionOwnerAndCancelsWhenDroppedEarly() {
  Fresh();
  Exec("CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 100000) g");
  auto conn = Open();
  {
    auto early = conn->Query("SELECT id FROM t");
    Batch b(early->schema());
    ASSERT_TRUE(early->Next(b, BatchLimits{10, size_t{1} << 20}));
  }  // dropped after 10 rows: the connection stays usable
  auto reader = conn->Query("SELECT count(*) AS n FROM t");
  conn.reset();
  Batch b(reader->schema());
  ASSERT_TRUE(reader->Next(b, BatchLimits{}));
  EXPECT_EQ(b.column(0).Get<int64_t>(0), 100000);
}

void OdbcPostgresTest::DriverInfoIsAvailable() {
  Fresh();
  auto conn = Open();
  EXPECT_EQ(conn->Info(SQL_DBMS_NAME), "PostgreSQL");
  EXPECT_THAT(conn->Info(SQL_DRIVER_NAME), HasSubstr("psqlodbc"));
}

TEST_F(OdbcPostgresTest, TypesRoundTripThroughPsqlOdbc) {
  {
    SCOPED_TRACE("IntegersFloatsAndBooleansRoundTrip");
    IntegersFloatsAndBooleansRoundTrip();
  }
  {
    SCOPED_TRACE("DecimalsAreExact");
    DecimalsAreExact();
  }
  {
    SCOPED_TRACE("TextIsUtf8WhateverTheLengthAndSurrogatePairsSurvive");
    TextIsUtf8WhateverTheLengthAndSurrogatePairsSurvive();
  }
  {
    SCOPED_TRACE("BytesKeepZeroBytes");
    BytesKeepZeroBytes();
  }
  {
    SCOPED_TRACE("DatesTimesTimestampsAndUuids");
    DatesTimesTimestampsAndUuids();
  }
}

TEST_F(OdbcPostgresTest, BlocksAndLongValues) {
  {
    SCOPED_TRACE("LongValuesAreReadPiecewiseIncludingColumnsAfterThem");
    LongValuesAreReadPiecewiseIncludingColumnsAfterThem();
  }
  {
    SCOPED_TRACE("ManyRowsArriveInBlocksAcrossBatches");
    ManyRowsArriveInBlocksAcrossBatches();
  }
  {
    SCOPED_TRACE("ReaderOutlivesItsConnectionOwnerAndCancelsWhenDroppedEarly");
    ReaderOutlivesItsConnectionOwnerAndCancelsWhenDroppedEarly();
  }
}

TEST_F(OdbcPostgresTest, ErrorsNameWhereAndWhat) {
  {
    SCOPED_TRACE("DecimalFinerThanTheDeclaredScaleIsAnErrorNotRounding");
    DecimalFinerThanTheDeclaredScaleIsAnErrorNotRounding();
  }
  {
    SCOPED_TRACE("UnmappableTypeNamesColumnAndType");
    UnmappableTypeNamesColumnAndType();
  }
  {
    SCOPED_TRACE("QueryErrorsCarryWhereAndDriverMessage");
    QueryErrorsCarryWhereAndDriverMessage();
  }
  {
    SCOPED_TRACE("ResultsWithoutColumnsOrWithDuplicateNamesAreRefused");
    ResultsWithoutColumnsOrWithDuplicateNamesAreRefused();
  }
  {
    SCOPED_TRACE("ConnectionFailureNamesWhereAndNeverThePassword");
    ConnectionFailureNamesWhereAndNeverThePassword();
  }
}

TEST_F(OdbcPostgresTest, ConnectionStringAndDriverInfo) {
  {
    SCOPED_TRACE("BracedValuesCannotInjectAttributes");
    BracedValuesCannotInjectAttributes();
  }
  {
    SCOPED_TRACE("DriverInfoIsAvailable");
    DriverInfoIsAvailable();
  }
}

}  // namespace
}  // namespace tributary
