// The strict text parsers behind SQLite (and later CSV) conversion.
#include "data/text_values.h"

#include <gtest/gtest.h>

#include <cmath>

namespace tributary {
namespace {

std::string Decimal(std::string_view text, int precision, int scale) {
  auto v = ParseDecimalText(text, precision, scale);
  if (!v) return "none";
  Int128 x = *v;
  bool negative = x < 0;
  if (negative) x = -x;
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(x % 10)));
    x /= 10;
  } while (x != 0);
  return (negative ? "-" : "") + digits;
}

TEST(TextValuesTest, DecimalsAreExactAndRoundHalfAwayFromZero) {
  EXPECT_EQ(Decimal("12.345", 10, 2), "1235");
  EXPECT_EQ(Decimal("-12.345", 10, 2), "-1235");
  EXPECT_EQ(Decimal("12.344", 10, 2), "1234");
  EXPECT_EQ(Decimal("0.5", 1, 0), "1");
  EXPECT_EQ(Decimal("0.05", 3, 1), "1");
  EXPECT_EQ(Decimal("0.049", 3, 1), "0");
  EXPECT_EQ(Decimal("99.995", 4, 2), "none");  // rounds up to 100.00: five digits
  EXPECT_EQ(Decimal("99.995", 5, 2), "10000");
  EXPECT_EQ(Decimal("1e3", 6, 2), "100000");
  EXPECT_EQ(Decimal("1.5e-07", 10, 9), "150");
  EXPECT_EQ(Decimal(".5", 3, 1), "5");
  EXPECT_EQ(Decimal("+7", 3, 1), "70");
  EXPECT_EQ(Decimal("0e999", 3, 1), "0");
  EXPECT_EQ(Decimal("12345678901234567890123456789012.123456", 38, 6),
            "12345678901234567890123456789012123456");
  EXPECT_EQ(Decimal("99999999999999999999999999999999999999", 38, 0),
            "99999999999999999999999999999999999999");
  EXPECT_EQ(Decimal("100000000000000000000000000000000000000", 38, 0), "none");
  EXPECT_EQ(Decimal("1e40", 38, 0), "none");
  for (const char* bad : {"", "-", ".", "1.2.3", "1e", "abc", "1,5", " 1", "0x10", "nan"}) {
    EXPECT_EQ(Decimal(bad, 10, 2), "none") << bad;
  }
}

TEST(TextValuesTest, IntegersAndDoubles) {
  EXPECT_EQ(ParseInt64Text("-9223372036854775808"), INT64_MIN);
  EXPECT_FALSE(ParseInt64Text("9223372036854775808"));
  EXPECT_FALSE(ParseInt64Text("12 "));
  EXPECT_FALSE(ParseInt64Text(""));
  EXPECT_EQ(ParseDoubleText("+2.5e3"), 2500.0);
  EXPECT_TRUE(std::isnan(*ParseDoubleText("nan")));
  EXPECT_FALSE(ParseDoubleText("2.5x"));
  EXPECT_EQ(FormatDouble(0.1), "0.1");
  EXPECT_EQ(FormatDouble(1e300), "1e+300");
  EXPECT_EQ(ParseBoolText("TRUE"), true);
  EXPECT_FALSE(ParseBoolText("yes"));
}

TEST(TextValuesTest, DatesTimesAndTimestamps) {
  EXPECT_EQ(ParseDateText("1970-01-02"), 1);
  EXPECT_EQ(ParseDateText("2000-02-29"), 11016);
  EXPECT_FALSE(ParseDateText("1900-02-29"));
  EXPECT_FALSE(ParseDateText("2024-5-1"));
  EXPECT_FALSE(ParseDateText("2024-05-01 "));
  EXPECT_EQ(ParseTimeText("00:00:01.000001"), 1'000'001);
  EXPECT_FALSE(ParseTimeText("12:60"));
  EXPECT_FALSE(ParseTimeText("12:00:00."));
  EXPECT_EQ(ParseTimestampText("1970-01-01T00:00:00+01:00"), -3'600'000'000LL);
  EXPECT_EQ(ParseTimestampText("1970-01-01 01:00 +0100"), 0);
  EXPECT_EQ(ParseTimestampText("1970-01-01T00:00:00-05"), 5 * 3'600'000'000LL);
  EXPECT_FALSE(ParseTimestampText("1970-01-01T00:00:00+25:00"));
  EXPECT_FALSE(ParseTimestampText("1970-01-01X00:00"));
  EXPECT_FALSE(ParseTimestampText("1970-01-01 00:00:00 UTC"));
}

TEST(TextValuesTest, Uuids) {
  auto u = ParseUuidText("{00112233-4455-6677-8899-aabbccddeeff}");
  EXPECT_FALSE(u);
  EXPECT_TRUE(ParseUuidText("00112233-4455-6677-8899-AABBCCDDEEFF"));
  EXPECT_FALSE(ParseUuidText("00112233-4455-6677-8899_aabbccddeeff"));
  EXPECT_FALSE(ParseUuidText("0011223344556677889aabbccddeeffg"));
}

}  // namespace
}  // namespace tributary
