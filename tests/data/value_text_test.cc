#include "data/value_text.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "source/sqlite/sqlite_source.h"

namespace tributary {
namespace {

// text → value → text is the identity for every type a watermark can have.
TEST(ValueText, RoundTripsCanonicalText) {
  struct Case {
    DataType type;
    const char* text;
  } cases[] = {
      {DataType{TypeId::kInt16}, "-32768"},
      {DataType{TypeId::kInt32}, "2147483647"},
      {DataType{TypeId::kInt64}, "-9223372036854775808"},
      {DataType::Decimal(38, 10), "-1234567890123456789012345678.0123456789"},
      {DataType::Decimal(5, 5), "0.00001"},
      {DataType::Decimal(4, 0), "-9999"},
      {DataType{TypeId::kDate}, "1969-12-31"},
      {DataType{TypeId::kDate}, "2024-02-29"},
      {DataType{TypeId::kTime}, "23:59:59.999999"},
      {DataType{TypeId::kTimestamp}, "1969-12-31 23:59:59.999999"},
      {DataType{TypeId::kTimestamp}, "2026-03-29 02:30:00.000001"},
      {DataType{TypeId::kTimestampTz}, "2026-11-25 13:00:00.000000+00:00"},
      {DataType{TypeId::kDate}, "infinity"},
      {DataType{TypeId::kTimestamp}, "-infinity"},
      {DataType{TypeId::kTimestampTz}, "infinity"},
      {DataType{TypeId::kUuid}, "0123abcd-4567-89ef-0123-456789abcdef"},
      {DataType{TypeId::kBool}, "false"},
      {DataType{TypeId::kFloat64}, "0.1"},
      {DataType{TypeId::kText}, "it's"},
  };
  for (const auto& c : cases) {
    Column column(c.type);
    AppendValueText(column, c.text);
    EXPECT_EQ(ValueText(column, 0), c.text) << TypeName(c.type);
  }
}

TEST(ValueText, TimestampTzWithOffsetIsNormalisedToUtc) {
  Column column(DataType{TypeId::kTimestampTz});
  AppendValueText(column, "2026-11-25 14:00:00+01:00");
  EXPECT_EQ(ValueText(column, 0), "2026-11-25 13:00:00.000000+00:00");
}

TEST(ValueText, RejectsTextThatIsNotOfTheType) {
  Column ints(DataType{TypeId::kInt16});
  EXPECT_THROW(AppendValueText(ints, "40000"), Error);
  Column dates(DataType{TypeId::kDate});
  EXPECT_THROW(AppendValueText(dates, "2026-02-30"), Error);
  Column decimals(DataType::Decimal(4, 2));
  EXPECT_THROW(AppendValueText(decimals, "123.45"), Error);
}

TEST(ValueText, ComparesByValueNotByText) {
  Column c(DataType{TypeId::kInt64});
  AppendValueText(c, "9");
  AppendValueText(c, "10");
  EXPECT_LT(CompareValues(c, 0, c, 1), 0);
  Column ts(DataType{TypeId::kTimestamp});
  AppendValueText(ts, "1969-12-31 23:59:59");
  AppendValueText(ts, "1970-01-01 00:00:00");
  EXPECT_LT(CompareValues(ts, 0, ts, 1), 0);
  EXPECT_EQ(CompareValues(ts, 1, ts, 1), 0);
  EXPECT_GT(CompareValues(ts, 1, ts, 0), 0);
}

TEST(ValueText, WatermarkTypesAreThoseWithASourceIndependentOrder) {
  EXPECT_TRUE(IsWatermarkType(DataType{TypeId::kTimestampTz}));
  EXPECT_TRUE(IsWatermarkType(DataType::Decimal(10, 0)));
  EXPECT_FALSE(IsWatermarkType(DataType{TypeId::kText}));
  EXPECT_FALSE(IsWatermarkType(DataType{TypeId::kFloat64}));
}

TEST(DialectLiteral, QuotesTextLikeValuesAndWritesNumbersBare) {
  SqliteDialect dialect;
  EXPECT_EQ(dialect.Literal(DataType{TypeId::kInt64}, "42"), "42");
  EXPECT_EQ(dialect.Literal(DataType::Decimal(5, 2), "-1.50"), "-1.50");
  EXPECT_EQ(dialect.Literal(DataType{TypeId::kTimestamp}, "2026-01-01 00:00:00.000000"),
            "'2026-01-01 00:00:00.000000'");
  EXPECT_EQ(dialect.Literal(DataType{TypeId::kText}, "O'Brien"), "'O''Brien'");
}

}  // namespace
}  // namespace tributary
