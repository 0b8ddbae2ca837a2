// Declared-type mapping and value conversion of SQLite columns.
#include "source/sqlite/sqlite_types.h"

#include <cmath>
#include <limits>

#include "common/error.h"
#include "support/sqlite_fixture.h"

namespace tributary {
namespace {

using testing::Days;
using ::testing::HasSubstr;
using testing::Micros;

class SqliteTypesTest : public testing::SqliteFixture {};

TEST(SqliteDeclaredTypeTest, MapsHintsThenAffinity) {
  struct Case {
    const char* declared;
    DataType expected;
  };
  const Case cases[] = {
      {"INTEGER", {TypeId::kInt64}},
      {"int", {TypeId::kInt64}},
      {"BIGINT", {TypeId::kInt64}},
      {"UNSIGNED BIG INT", {TypeId::kInt64}},
      {"SMALLINT", {TypeId::kInt16}},
      {"int2", {TypeId::kInt16}},
      {"REAL", {TypeId::kFloat64}},
      {"double  precision", {TypeId::kFloat64}},
      {"FLOAT", {TypeId::kFloat64}},
      {"NUMERIC", {TypeId::kFloat64}},
      {"DECIMAL(10,2)", DataType::Decimal(10, 2)},
      {"numeric( 38 , 10 )", DataType::Decimal(38, 10)},
      {"DECIMAL(5)", DataType::Decimal(5, 0)},
      {"DECIMAL(50,2)", {TypeId::kText}},
      {"BOOLEAN", {TypeId::kBool}},
      {"bool", {TypeId::kBool}},
      {"DATE", {TypeId::kDate}},
      {"DATETIME", {TypeId::kTimestamp}},
      {"TIMESTAMP", {TypeId::kTimestamp}},
      {"timestamptz", {TypeId::kTimestampTz}},
      {"TIMESTAMP WITH TIME ZONE", {TypeId::kTimestampTz}},
      {"TIME", {TypeId::kTime}},
      {"JSON", {TypeId::kJson}},
      {"UUID", {TypeId::kUuid}},
      {"BLOB", {TypeId::kBytes}},
      {"", {TypeId::kBytes}},
      {"TEXT", {TypeId::kText}},
      {"VARCHAR(16)", {TypeId::kText}},
      {"NVARCHAR(100)", {TypeId::kText}},
      {"CLOB", {TypeId::kText}},
      {"MONEY", {TypeId::kText}},
      {"FLOATING POINT", {TypeId::kInt64}},  // SQLite's own rule: contains INT
  };
  for (const Case& c : cases) {
    EXPECT_EQ(TypeName(SqliteDeclaredType(c.declared)), TypeName(c.expected)) << c.declared;
  }
}

TEST_F(SqliteTypesTest, IntegersKeepTheirFullRange) {
  Exec(
      "CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (-9223372036854775808), "
      "(9223372036854775807), (NULL), (0), (3.0), ('42');");
  Batch b = ReadAll("SELECT v FROM t");
  ASSERT_EQ(b.num_rows(), 6u);
  EXPECT_EQ(b.column(0).Get<int64_t>(0), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(b.column(0).Get<int64_t>(1), std::numeric_limits<int64_t>::max());
  EXPECT_TRUE(b.column(0).IsNull(2));
  EXPECT_EQ(b.column(0).Get<int64_t>(4), 3);
  EXPECT_EQ(b.column(0).Get<int64_t>(5), 42);
}

TEST_F(SqliteTypesTest, BadIntegerNamesTableColumnRowAndValue) {
  Exec("CREATE TABLE items (qty INTEGER); INSERT INTO items VALUES (1), (2), ('abc');");
  try {
    ReadAll("SELECT qty FROM items");
    FAIL() << "expected an error";
  } catch (const SourceError& e) {
    std::string m = e.what();
    EXPECT_THAT(m, HasSubstr("server 'shop' database 't.db'"));
    EXPECT_THAT(m, HasSubstr("table 'items' column 'qty' row 3"));
    EXPECT_THAT(m, HasSubstr("TEXT 'abc'"));
    EXPECT_THAT(m, HasSubstr("bigint"));
  }
  EXPECT_THAT(ReadError("INTEGER", "1.5"), HasSubstr("REAL 1.5"));
  EXPECT_THAT(ReadError("SMALLINT", "40000"),
              HasSubstr("INTEGER 40000 cannot be converted to smallint"));
  EXPECT_THAT(ReadError("INTEGER", "x'01'"), HasSubstr("BLOB of 1 bytes x'01'"));
}

TEST_F(SqliteTypesTest, LongBadValuesAreShortenedInErrors) {
  std::string m = ReadError("INTEGER", "'" + std::string(500, 'z') + "'");
  EXPECT_THAT(m, HasSubstr("zzz…'"));
  EXPECT_LT(m.size(), 400u);
}

TEST_F(SqliteTypesTest, RealsIncludeInfinityAndNumericText) {
  Exec(
      "CREATE TABLE t (v REAL); INSERT INTO t VALUES (1.5), (9e999), (-9e999), ('inf'), (NULL), "
      "(7), (-0.0), ('nan');");
  Batch b = ReadAll("SELECT v FROM t");
  EXPECT_EQ(b.column(0).Get<double>(0), 1.5);
  EXPECT_EQ(b.column(0).Get<double>(1), std::numeric_limits<double>::infinity());
  EXPECT_EQ(b.column(0).Get<double>(2), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(b.column(0).Get<double>(3), std::numeric_limits<double>::infinity());
  EXPECT_TRUE(b.column(0).IsNull(4));
  EXPECT_EQ(b.column(0).Get<double>(5), 7.0);
  EXPECT_TRUE(
      std::isnan(b.column(0).Get<double>(7)));  // SQLite stores a NaN REAL as NULL; text works
  EXPECT_THAT(ReadError("REAL", "'1.5kg'"),
              HasSubstr("TEXT '1.5kg' cannot be converted to double"));
}

TEST_F(SqliteTypesTest, TextKeepsEmptyStringsUnicodeAndNumbers) {
  Exec(
      "CREATE TABLE t (v TEXT, n); INSERT INTO t VALUES ('', 1), (NULL, 0.1), ('Åse Müller 日本 "
      "🙂', "
      "'x');");
  Batch b = ReadAll("SELECT v, n FROM t");
  EXPECT_FALSE(b.column(0).IsNull(0));
  EXPECT_EQ(b.column(0).GetBytes(0), "");
  EXPECT_TRUE(b.column(0).IsNull(1));
  EXPECT_EQ(b.column(0).GetBytes(2), "Åse Müller 日本 🙂");
  // An untyped column is bytes; numbers become their shortest exact spelling.
  EXPECT_EQ(b.schema().fields[1].type.id, TypeId::kBytes);
  EXPECT_EQ(b.column(1).GetBytes(0), "1");
  EXPECT_EQ(b.column(1).GetBytes(1), "0.1");
  EXPECT_THAT(ReadError("TEXT", "CAST(x'ff00' AS TEXT)"), HasSubstr("not valid UTF-8"));
}

TEST_F(SqliteTypesTest, BlobsKeepZeroBytes) {
  Exec(
      "CREATE TABLE t (v BLOB); INSERT INTO t VALUES (x'00ff0000'), (zeroblob(3)), (x''), (NULL);");
  Batch b = ReadAll("SELECT v FROM t");
  EXPECT_EQ(b.column(0).GetBytes(0), std::string("\0\xff\0\0", 4));
  EXPECT_EQ(b.column(0).GetBytes(1), std::string(3, '\0'));
  EXPECT_FALSE(b.column(0).IsNull(2));
  EXPECT_EQ(b.column(0).GetBytes(2), "");
  EXPECT_TRUE(b.column(0).IsNull(3));
}

TEST_F(SqliteTypesTest, DecimalsAreExactAndRoundedToTheScale) {
  Exec(
      "CREATE TABLE t (v DECIMAL(10,2)); INSERT INTO t VALUES ('9.90'), (0.1), (12345678.125), "
      "(-0.005), (42), (1.005), (NULL), (CAST('7.5' AS TEXT));");
  Batch b = ReadAll("SELECT v FROM t");
  ASSERT_EQ(b.schema().fields[0].type, DataType::Decimal(10, 2));
  const Int128 expected[] = {990, 10, 1234567813, -1, 4200, 101};
  for (size_t i = 0; i < 6; ++i) EXPECT_TRUE(b.column(0).Get<Int128>(i) == expected[i]) << i;
  EXPECT_TRUE(b.column(0).IsNull(6));
  EXPECT_TRUE(b.column(0).Get<Int128>(7) == 750);
  EXPECT_THAT(ReadError("DECIMAL(10,2)", "123456789.5"), HasSubstr("decimal(10,2)"));
  EXPECT_THAT(ReadError("DECIMAL(10,2)", "'twelve'"), HasSubstr("TEXT 'twelve'"));
}

TEST_F(SqliteTypesTest, WideDecimalsFromIntegers) {
  Batch b = ReadValue("DECIMAL(38,10)", "9223372036854775807");
  Int128 expected = Int128{9223372036854775807} * 10'000'000'000LL;
  EXPECT_TRUE(b.column(0).Get<Int128>(0) == expected);
}

TEST_F(SqliteTypesTest, Booleans) {
  Exec("CREATE TABLE t (v BOOLEAN); INSERT INTO t VALUES (1), (0), ('true'), ('F'), (NULL);");
  Batch b = ReadAll("SELECT v FROM t");
  const uint8_t expected[] = {1, 0, 1, 0};
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(b.column(0).Get<uint8_t>(i), expected[i]) << i;
  EXPECT_TRUE(b.column(0).IsNull(4));
  EXPECT_THAT(ReadError("BOOLEAN", "2"), HasSubstr("INTEGER 2 cannot be converted to boolean"));
}

TEST_F(SqliteTypesTest, DatesFromTextMidnightsAndUnixSeconds) {
  Exec(
      "CREATE TABLE t (v DATE); INSERT INTO t VALUES ('2024-05-01'), ('1969-12-31'), "
      "('2024-05-01 00:00:00'), (1714521600), ('0001-01-01'), ('9999-12-31');");
  Batch b = ReadAll("SELECT v FROM t");
  EXPECT_EQ(b.column(0).Get<int32_t>(0), Days(2024, 5, 1));
  EXPECT_EQ(b.column(0).Get<int32_t>(1), -1);
  EXPECT_EQ(b.column(0).Get<int32_t>(2), Days(2024, 5, 1));
  EXPECT_EQ(b.column(0).Get<int32_t>(3), Days(2024, 5, 1));
  EXPECT_EQ(b.column(0).Get<int32_t>(4), Days(1, 1, 1));
  EXPECT_EQ(b.column(0).Get<int32_t>(5), Days(9999, 12, 31));
  EXPECT_THAT(ReadError("DATE", "'2024-02-30'"), HasSubstr("TEXT '2024-02-30'"));
  EXPECT_THAT(ReadError("DATE", "'2024-05-01 12:00'"), HasSubstr("cannot be converted to date"));
  EXPECT_THAT(ReadError("DATE", "'01/05/2024'"), HasSubstr("cannot be converted to date"));
}

TEST_F(SqliteTypesTest, TimestampsInEverySpelling) {
  Exec(R"(CREATE TABLE t (v TIMESTAMP); INSERT INTO t VALUES
      ('2024-05-01 12:34:56'), ('2024-05-01T12:34:56'), ('2024-05-01 12:34'),
      ('2024-05-01 12:34:56.789'), ('2024-05-01 12:34:56.123456789'), ('2024-05-01T12:34:56Z'),
      ('2024-05-01T14:34:56+02:00'), ('2024-05-01 11:04:56 -0130'), ('2024-05-01'),
      (1714566896), (2460432.25), ('1900-01-01 00:00:00.5');)");
  Batch b = ReadAll("SELECT v FROM t");
  const int64_t base = Micros(2024, 5, 1, 12, 34, 56);
  const int64_t expected[] = {base,
                              base,
                              Micros(2024, 5, 1, 12, 34),
                              base + 789'000,
                              base + 123'456,
                              base,
                              base,
                              Micros(2024, 5, 1, 12, 34, 56),
                              Micros(2024, 5, 1),
                              base,
                              Micros(2024, 5, 1, 18),
                              Micros(1900, 1, 1, 0, 0, 0, 500'000)};
  ASSERT_EQ(b.num_rows(), std::size(expected));
  for (size_t i = 0; i < std::size(expected); ++i) {
    EXPECT_EQ(b.column(0).Get<int64_t>(i), expected[i]) << "row " << i;
  }
  EXPECT_THAT(ReadError("DATETIME", "'2024-05-01 24:00:00'"), HasSubstr("timestamp"));
  EXPECT_THAT(ReadError("DATETIME", "'yesterday'"), HasSubstr("TEXT 'yesterday'"));
  EXPECT_THAT(ReadError("DATETIME", "'2024-05-01 12:00:00+2'"), HasSubstr("cannot be converted"));
}

TEST_F(SqliteTypesTest, TimestampsWithOffsetsBecomeUtc) {
  Exec(
      "CREATE TABLE t (v TIMESTAMPTZ); INSERT INTO t VALUES ('2024-05-01T12:34:56+02:00'), "
      "('2024-05-01 12:34:56'), ('2024-12-31T23:30:00-01:00'), ('2024-05-01T12:34:56.5z');");
  Batch b = ReadAll("SELECT v FROM t");
  ASSERT_EQ(b.schema().fields[0].type.id, TypeId::kTimestampTz);
  EXPECT_EQ(b.column(0).Get<int64_t>(0), Micros(2024, 5, 1, 10, 34, 56));
  EXPECT_EQ(b.column(0).Get<int64_t>(1), Micros(2024, 5, 1, 12, 34, 56));
  EXPECT_EQ(b.column(0).Get<int64_t>(2), Micros(2025, 1, 1, 0, 30));
  EXPECT_EQ(b.column(0).Get<int64_t>(3), Micros(2024, 5, 1, 12, 34, 56, 500'000));
}

TEST_F(SqliteTypesTest, TimesOfDay) {
  Exec(
      "CREATE TABLE t (v TIME); INSERT INTO t VALUES ('12:34:56.5'), ('00:00'), "
      "('23:59:59.999999');");
  Batch b = ReadAll("SELECT v FROM t");
  EXPECT_EQ(b.column(0).Get<int64_t>(0), (12 * 3600 + 34 * 60 + 56) * 1'000'000LL + 500'000);
  EXPECT_EQ(b.column(0).Get<int64_t>(1), 0);
  EXPECT_EQ(b.column(0).Get<int64_t>(2), 86'400'000'000LL - 1);
  EXPECT_THAT(ReadError("TIME", "'25:00'"), HasSubstr("cannot be converted to time"));
  EXPECT_THAT(ReadError("TIME", "3600"), HasSubstr("INTEGER 3600"));
}

TEST_F(SqliteTypesTest, UuidsFromTextAndBlobs) {
  Exec(
      "CREATE TABLE t (v UUID); INSERT INTO t VALUES ('00112233-4455-6677-8899-aabbccddeeff'), "
      "('00112233445566778899AABBCCDDEEFF'), (x'00112233445566778899aabbccddeeff');");
  Batch b = ReadAll("SELECT v FROM t");
  Uuid expected;
  for (int i = 0; i < 16; ++i) expected.bytes[i] = static_cast<uint8_t>(i * 0x11);
  for (size_t i = 0; i < 3; ++i) EXPECT_TRUE(b.column(0).Get<Uuid>(i) == expected) << i;
  EXPECT_THAT(ReadError("UUID", "'not-a-uuid'"), HasSubstr("cannot be converted to uuid"));
}

TEST_F(SqliteTypesTest, JsonIsText) {
  Batch b = ReadValue("JSON", "'{\"a\": [1, 2]}'");
  EXPECT_EQ(b.schema().fields[0].type.id, TypeId::kJson);
  EXPECT_EQ(b.column(0).GetBytes(0), "{\"a\": [1, 2]}");
}

}  // namespace
}  // namespace tributary
