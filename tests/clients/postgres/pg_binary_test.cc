// The per-value decoder on hand-built bytes: what a PostgreSQL 15 server
// never sends here (PostgreSQL 17's infinite intervals, malformed values),
// and the conversions at the edges of tributary's types.
#include "clients/postgres/pg_binary.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clients/postgres/pg_array_json.h"

namespace tributary {
namespace {

using ::testing::HasSubstr;

std::string BigEndian(uint64_t v, int bytes) {
  std::string out;
  for (int i = bytes - 1; i >= 0; --i) out += static_cast<char>((v >> (8 * i)) & 0xff);
  return out;
}

std::shared_ptr<const PgValueType> Builtin(uint32_t oid, int32_t typmod = -1) {
  return std::make_shared<const PgValueType>(*BuiltinPgType(oid, typmod));
}

constexpr uint32_t kInt4 = 23, kOid = 26, kDate = 1082, kTimestamp = 1114, kInterval = 1186,
                   kJsonb = 3802, kText = 25;

std::string DecodeError(uint32_t oid, const std::string& bytes) {
  auto type = Builtin(oid);
  PgValueDecoder decoder(type);
  Column column(type->type);
  try {
    decoder.Append(bytes, column);
  } catch (const PgValueError& e) {
    return e.what();
  }
  return "<no error>";
}

TEST(PgBinaryTest, DatesAndTimestampsShiftToTheUnixEpochAndKeepInfinity) {
  auto type = Builtin(kTimestamp);
  PgValueDecoder decoder(type);
  Column ts(type->type);
  decoder.Append(BigEndian(0, 8), ts);  // 2000-01-01
  decoder.Append(BigEndian(INT64_MAX, 8), ts);
  decoder.Append(BigEndian(static_cast<uint64_t>(INT64_MIN), 8), ts);
  EXPECT_EQ(ts.Get<int64_t>(0), 946'684'800'000'000);
  EXPECT_EQ(ts.Get<int64_t>(1), kTimestampInfinity);
  EXPECT_EQ(ts.Get<int64_t>(2), kTimestampMinusInfinity);
  // 294270 AD exists in PostgreSQL but not in 64-bit µs since 1970.
  EXPECT_THAT(DecodeError(kTimestamp, BigEndian(9'223'000'000'000'000'000, 8)),
              HasSubstr("after 294246 AD"));

  auto date_type = Builtin(kDate);
  PgValueDecoder dates(date_type);
  Column d(date_type->type);
  dates.Append(BigEndian(static_cast<uint32_t>(-1), 4), d);
  dates.Append(BigEndian(INT32_MAX, 4), d);
  dates.Append(BigEndian(static_cast<uint32_t>(INT32_MIN), 4), d);
  EXPECT_EQ(d.Get<int32_t>(0), 10956);
  EXPECT_EQ(d.Get<int32_t>(1), kDateInfinity);
  EXPECT_EQ(d.Get<int32_t>(2), kDateMinusInfinity);
}

TEST(PgBinaryTest, InfiniteIntervalsOfPostgres17AreErrors) {
  std::string infinite =
      BigEndian(INT64_MAX, 8) + BigEndian(INT32_MAX, 4) + BigEndian(INT32_MAX, 4);
  EXPECT_THAT(DecodeError(kInterval, infinite), HasSubstr("infinite interval"));
  auto type = Builtin(kInterval);
  PgValueDecoder decoder(type);
  Column c(type->type);
  decoder.Append(BigEndian(3'000'004, 8) + BigEndian(2, 4) + BigEndian(14, 4), c);
  EXPECT_EQ(c.Get<Interval>(0), (Interval{14, 2, 3'000'004}));
}

TEST(PgBinaryTest, MalformedValuesAreErrorsNotGuesses) {
  EXPECT_THAT(DecodeError(kInt4, BigEndian(1, 8)), HasSubstr("malformed integer value (8 bytes"));
  EXPECT_THAT(DecodeError(kJsonb, std::string("\x02{}", 3)), HasSubstr("unknown version"));
  EXPECT_EQ(DecodeError(kOid, BigEndian(4'294'967'295u, 4)), "<no error>");
}

TEST(PgBinaryTest, ArraysCheckTheirFraming) {
  auto array = std::make_shared<const PgValueType>(
      PgValueType{PgWire::kArray, DataType{TypeId::kJson}, "text[]", Builtin(kText)});
  PgValueDecoder decoder(array);
  Column c(array->type);
  std::string header = BigEndian(1, 4) + BigEndian(1, 4) + BigEndian(kText, 4);
  decoder.Append(header + BigEndian(2, 4) + BigEndian(1, 4) + BigEndian(2, 4) + "\"\x01" +
                     BigEndian(0xffffffff, 4),
                 c);
  EXPECT_EQ(c.GetBytes(0), R"(["\"\u0001",null])");
  EXPECT_THROW(decoder.Append(header + BigEndian(3, 4) + BigEndian(1, 4) + BigEndian(0, 4), c),
               PgValueError);  // three elements announced, one given
  EXPECT_THROW(decoder.Append(BigEndian(7, 4) + BigEndian(0, 4) + BigEndian(kText, 4), c),
               PgValueError);  // more dimensions than PostgreSQL allows
}

TEST(PgBinaryTest, JsonStringsAreEscaped) {
  std::string json;
  AppendJsonString("a\"b\\c\nd\te\x1f", json);
  EXPECT_EQ(json, R"("a\"b\\c\nd\te\u001f")");
}

}  // namespace
}  // namespace tributary
