// PostgreSQL numeric values in their binary send format: int16 ndigits,
// int16 weight, uint16 sign, int16 dscale, then ndigits base-10000 digits
// (value = Σ digit[i] × 10000^(weight - i)). Exact conversions only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "data/types.h"

namespace tributary {

struct PgNumeric {
  static constexpr uint16_t kPositive = 0x0000;
  static constexpr uint16_t kNegative = 0x4000;
  static constexpr uint16_t kNaN = 0xC000;
  static constexpr uint16_t kPlusInfinity = 0xD000;
  static constexpr uint16_t kMinusInfinity = 0xF000;

  int ndigits = 0;
  int weight = 0;
  uint16_t sign = kPositive;
  int dscale = 0;  // decimal digits after the point, as PostgreSQL displays it
  const unsigned char* digits = nullptr;  // big-endian int16 each

  int Digit(int i) const { return digits[2 * i] << 8 | digits[2 * i + 1]; }
  bool IsSpecial() const { return sign != kPositive && sign != kNegative; }
};

// Parses the header and checks the digits are in range. Throws PgValueError
// for malformed bytes.
PgNumeric ParsePgNumeric(std::string_view bytes);

// The value scaled by 10^scale. Throws PgValueError when it is NaN or
// infinite, has more than `scale` fraction digits, or more than `precision`
// digits in all.
Int128 PgNumericToDecimal(const PgNumeric& n, int precision, int scale);

// Appends the value as PostgreSQL prints it ("-12.3400", "NaN", "Infinity").
void AppendPgNumericText(const PgNumeric& n, std::string& out);

}  // namespace tributary
