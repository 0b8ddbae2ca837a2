// numeric in its binary form, built by hand: exact decimals, exact text,
// typmods, and the values a decimal cannot hold.
#include "clients/postgres/pg_numeric.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <random>
#include <vector>

#include "clients/postgres/pg_types.h"

namespace tributary {
namespace {

using ::testing::HasSubstr;

// The binary form of a numeric: header then base-10000 digits.
std::string Numeric(int weight, uint16_t sign, int dscale, const std::vector<int>& digits) {
  std::string out;
  auto put16 = [&](int v) {
    out += static_cast<char>((v >> 8) & 0xff);
    out += static_cast<char>(v & 0xff);
  };
  put16(static_cast<int>(digits.size()));
  put16(weight);
  put16(sign);
  put16(dscale);
  for (int d : digits) put16(d);
  return out;
}

std::string Text(const std::string& bytes) {
  std::string out;
  AppendPgNumericText(ParsePgNumeric(bytes), out);
  return out;
}

Int128 Decimal(const std::string& bytes, int precision, int scale) {
  return PgNumericToDecimal(ParsePgNumeric(bytes), precision, scale);
}

std::string DecimalError(const std::string& bytes, int precision, int scale) {
  try {
    Decimal(bytes, precision, scale);
  } catch (const PgValueError& e) {
    return e.what();
  }
  return "<no error>";
}

TEST(PgNumericTest, TextIsWhatPostgresPrints) {
  EXPECT_EQ(Text(Numeric(1, PgNumeric::kPositive, 2, {1, 2345, 6700})), "12345.67");
  EXPECT_EQ(Text(Numeric(0, PgNumeric::kNegative, 4, {12, 3400})), "-12.3400");
  EXPECT_EQ(Text(Numeric(-3, PgNumeric::kPositive, 12, {12})), "0.000000000012");
  EXPECT_EQ(Text(Numeric(-2, PgNumeric::kPositive, 12, {12})), "0.000000120000");
  EXPECT_EQ(Text(Numeric(2, PgNumeric::kPositive, 0, {1})), "100000000");
  EXPECT_EQ(Text(Numeric(0, PgNumeric::kPositive, 0, {})), "0");
  EXPECT_EQ(Text(Numeric(0, PgNumeric::kPositive, 3, {})), "0.000");
  EXPECT_EQ(Text(Numeric(-1, PgNumeric::kPositive, 1, {5000})), "0.5");
  EXPECT_EQ(Text(Numeric(0, PgNumeric::kNaN, 0, {})), "NaN");
  EXPECT_EQ(Text(Numeric(0, PgNumeric::kPlusInfinity, 0, {})), "Infinity");
  EXPECT_EQ(Text(Numeric(0, PgNumeric::kMinusInfinity, 0, {})), "-Infinity");
}

TEST(PgNumericTest, DecimalsAreExactOrAnError) {
  EXPECT_EQ(Decimal(Numeric(1, PgNumeric::kPositive, 2, {1, 2345, 6700}), 10, 2), 1234567);
  EXPECT_EQ(Decimal(Numeric(0, PgNumeric::kNegative, 2, {12, 3400}), 10, 4), -123400);
  EXPECT_EQ(Decimal(Numeric(2, PgNumeric::kPositive, 0, {1}), 9, 0), 100000000);
  EXPECT_EQ(Decimal(Numeric(0, PgNumeric::kPositive, 0, {}), 4, 2), 0);
  // 38 nines after the point: 10 digit groups, the last one "9900".
  Int128 nines = 0;
  for (int i = 0; i < 38; ++i) nines = nines * 10 + 9;
  EXPECT_EQ(Decimal(Numeric(-1, PgNumeric::kNegative, 38,
                            {9999, 9999, 9999, 9999, 9999, 9999, 9999, 9999, 9999, 9900}),
                    38, 38),
            -nines);
  EXPECT_EQ(Decimal(Numeric(9, PgNumeric::kPositive, 0,
                            {99, 9999, 9999, 9999, 9999, 9999, 9999, 9999, 9999, 9999}),
                    38, 0),
            nines);

  EXPECT_THAT(DecimalError(Numeric(2, PgNumeric::kPositive, 0, {1}), 8, 0),
              HasSubstr("does not fit decimal(8,0)"));
  EXPECT_THAT(DecimalError(Numeric(-1, PgNumeric::kPositive, 3, {1230}), 5, 2),
              HasSubstr("more than 2 fraction digits"));
  EXPECT_THAT(DecimalError(Numeric(-3, PgNumeric::kPositive, 12, {1}), 5, 2),
              HasSubstr("more than 2 fraction digits"));
  EXPECT_THAT(DecimalError(Numeric(20, PgNumeric::kPositive, 0, {1}), 38, 0),
              HasSubstr("does not fit decimal(38,0)"));
  EXPECT_THAT(DecimalError(Numeric(0, PgNumeric::kNaN, 0, {}), 10, 2),
              HasSubstr("numeric NaN cannot be stored in decimal(10,2)"));
  EXPECT_THAT(DecimalError(Numeric(0, PgNumeric::kMinusInfinity, 0, {}), 10, 2),
              HasSubstr("numeric -Infinity cannot be stored"));
}

// The decimal a numeric's text means at `scale`, worked out from the text
// alone; nullopt when it has nonzero digits beyond scale or 10^precision
// or more.
std::optional<Int128> ReferenceDecimal(const std::string& text, int precision, int scale) {
  bool negative = text[0] == '-';
  std::string digits = text.substr(negative ? 1 : 0);
  size_t point = digits.find('.');
  std::string whole = digits.substr(0, point);
  std::string fraction = point == std::string::npos ? "" : digits.substr(point + 1);
  while (fraction.size() > static_cast<size_t>(scale)) {
    if (fraction.back() != '0') return std::nullopt;
    fraction.pop_back();
  }
  fraction.resize(static_cast<size_t>(scale), '0');
  std::string all = whole + fraction;
  all.erase(0, std::min(all.find_first_not_of('0'), all.size()));
  if (all.size() > static_cast<size_t>(precision)) return std::nullopt;
  Int128 value = 0;
  for (char c : all) value = value * 10 + (c - '0');
  return negative ? -value : value;
}

// Every precision, the 64-bit path (up to 18 digits) and the 128-bit one,
// against the text PostgreSQL would print, on random values near the edges.
TEST(PgNumericTest, DecimalsAgreeWithTheTextAtEveryPrecision) {
  std::mt19937 rng(20261126);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int checked = 0, errors = 0;
  for (int round = 0; round < 20000; ++round) {
    int precision = pick(1, 38);
    int scale = pick(0, precision);
    std::vector<int> digits(static_cast<size_t>(pick(0, 6)));
    for (int& d : digits) d = pick(0, 3) == 0 ? pick(0, 9) * 1000 : pick(0, 9999);
    if (!digits.empty() && digits.front() == 0) digits.front() = 1;
    int weight = pick(-6, 6);
    uint16_t sign = pick(0, 1) ? PgNumeric::kNegative : PgNumeric::kPositive;
    int last = weight - static_cast<int>(digits.size()) + 1;  // weight of the last digit
    std::string bytes = Numeric(weight, sign, std::max(0, -4 * last), digits);
    std::optional<Int128> expected = ReferenceDecimal(Text(bytes), precision, scale);
    SCOPED_TRACE(Text(bytes) + " as decimal(" + std::to_string(precision) + "," +
                 std::to_string(scale) + ")");
    if (expected) {
      ASSERT_EQ(Decimal(bytes, precision, scale), *expected);
      ++checked;
    } else {
      ASSERT_THROW(Decimal(bytes, precision, scale), PgValueError);
      ++errors;
    }
  }
  EXPECT_GT(checked, 2000);  // both outcomes are exercised
  EXPECT_GT(errors, 2000);
}

TEST(PgNumericTest, MalformedBytesAreErrors) {
  EXPECT_THROW(ParsePgNumeric("\x00\x01"), PgValueError);
  std::string two_digits_one_given = Numeric(0, PgNumeric::kPositive, 0, {1});
  two_digits_one_given[1] = 2;
  EXPECT_THROW(ParsePgNumeric(two_digits_one_given), PgValueError);
  EXPECT_THROW(ParsePgNumeric(Numeric(0, PgNumeric::kPositive, 0, {10000})), PgValueError);
  EXPECT_THROW(ParsePgNumeric(Numeric(0, 0x8000, 0, {1})), PgValueError);
}

TEST(PgNumericTest, TypmodsMapToDecimalsOrText) {
  auto typmod = [](int p, int s) { return ((p << 16) | (s & 0x7ff)) + 4; };
  EXPECT_EQ(NumericType(typmod(10, 2)), DataType::Decimal(10, 2));
  EXPECT_EQ(NumericType(typmod(38, 38)), DataType::Decimal(38, 38));
  EXPECT_EQ(NumericType(typmod(5, -2)), DataType::Decimal(7, 0));
  EXPECT_EQ(NumericType(typmod(3, 5)), DataType::Decimal(5, 5));
  EXPECT_EQ(NumericType(typmod(39, 0)).id, TypeId::kText);
  EXPECT_EQ(NumericType(typmod(37, -2)).id, TypeId::kText);  // 39 integer digits
  EXPECT_EQ(NumericType(-1).id, TypeId::kText);
}

}  // namespace
}  // namespace tributary
