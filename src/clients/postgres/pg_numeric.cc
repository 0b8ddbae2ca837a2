#include "clients/postgres/pg_numeric.h"

#include <fmt/format.h>

#include <array>

#include "clients/postgres/pg_types.h"

namespace tributary {
namespace {

constexpr int kMaxPower = 38;

constexpr std::array<Int128, kMaxPower + 1> MakePowers() {
  std::array<Int128, kMaxPower + 1> p{};
  p[0] = 1;
  for (int i = 1; i <= kMaxPower; ++i) p[i] = p[i - 1] * 10;
  return p;
}
constexpr std::array<Int128, kMaxPower + 1> kPow10 = MakePowers();

int16_t Int16At(const unsigned char* p) { return static_cast<int16_t>(p[0] << 8 | p[1]); }

const char* SpecialName(uint16_t sign) {
  if (sign == PgNumeric::kNaN) return "NaN";
  return sign == PgNumeric::kPlusInfinity ? "Infinity" : "-Infinity";
}

[[noreturn]] void TooWide(int precision, int scale) {
  throw PgValueError(fmt::format(
      "numeric value does not fit decimal({},{}); cast the column in a query", precision, scale));
}

// 10^0 … 10^4: a base-10000 digit's decimal places.
constexpr int kDigitPow10[] = {1, 10, 100, 1000, 10000};

// The magnitude scaled by 10^scale, accumulated in T: int64_t when the
// precision allows (up to 18 digits, the common case, without 128-bit
// arithmetic), else Int128. Digits are consumed while they lie at or above
// 10^-scale; below that, they must be zero (PostgreSQL strips trailing zero
// digits, but the last one may still hold zeros beyond scale).
template <class T>
T ScaledMagnitude(const PgNumeric& n, int precision, int scale) {
  T acc = 0;
  int unit = 0;  // acc counts units of 10^(unit - scale)
  for (int i = 0; i < n.ndigits; ++i) {
    int exponent = 4 * (n.weight - i) + scale;  // of this digit's units, in 10^-scale
    int digit = n.Digit(i);
    if (exponent >= 0) {
      if (__builtin_mul_overflow(acc, T{10000}, &acc)) TooWide(precision, scale);
      acc += digit;
      unit = exponent;
    } else if (exponent > -4 && digit % kDigitPow10[-exponent] == 0) {
      if (__builtin_mul_overflow(acc, T{kDigitPow10[4 + exponent]}, &acc)) {
        TooWide(precision, scale);
      }
      acc += digit / kDigitPow10[-exponent];
      unit = 0;
    } else if (digit != 0) {
      throw PgValueError(
          fmt::format("numeric value has more than {} fraction digits for decimal({},{})", scale,
                      precision, scale));
    }
  }
  if (acc != 0 && unit > 0) {
    constexpr int kMaxUnit = sizeof(T) < sizeof(Int128) ? 18 : kMaxPower;
    if (unit > kMaxUnit || __builtin_mul_overflow(acc, static_cast<T>(kPow10[unit]), &acc)) {
      TooWide(precision, scale);
    }
  }
  return acc;
}

}  // namespace

PgNumeric ParsePgNumeric(std::string_view bytes) {
  if (bytes.size() < 8) throw PgValueError("malformed numeric value (shorter than its header)");
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  PgNumeric n;
  n.ndigits = Int16At(p);
  n.weight = Int16At(p + 2);
  n.sign = static_cast<uint16_t>(p[4] << 8 | p[5]);
  n.dscale = Int16At(p + 6);
  n.digits = p + 8;
  if (n.ndigits < 0 || bytes.size() != 8 + 2 * static_cast<size_t>(n.ndigits) || n.dscale < 0) {
    throw PgValueError("malformed numeric value (length does not match its digits)");
  }
  bool known = n.sign == PgNumeric::kPositive || n.sign == PgNumeric::kNegative ||
               n.sign == PgNumeric::kNaN || n.sign == PgNumeric::kPlusInfinity ||
               n.sign == PgNumeric::kMinusInfinity;
  if (!known) throw PgValueError(fmt::format("malformed numeric value (sign 0x{:04x})", n.sign));
  for (int i = 0; i < n.ndigits; ++i) {
    if (n.Digit(i) > 9999) throw PgValueError("malformed numeric value (digit out of range)");
  }
  return n;
}

Int128 PgNumericToDecimal(const PgNumeric& n, int precision, int scale) {
  if (n.IsSpecial()) {
    throw PgValueError(fmt::format(
        "numeric {} cannot be stored in decimal({},{}); map it in a query, e.g. NULLIF(column, "
        "'NaN'), or cast the column to text or double precision",
        SpecialName(n.sign), precision, scale));
  }
  Int128 value = precision <= 18 ? ScaledMagnitude<int64_t>(n, precision, scale)
                                 : ScaledMagnitude<Int128>(n, precision, scale);
  if (value >= kPow10[precision]) TooWide(precision, scale);
  return n.sign == PgNumeric::kNegative ? -value : value;
}

void AppendPgNumericText(const PgNumeric& n, std::string& out) {
  if (n.IsSpecial()) {
    out += SpecialName(n.sign);
    return;
  }
  if (n.sign == PgNumeric::kNegative) out += '-';
  auto digit = [&](int i) { return i >= 0 && i < n.ndigits ? n.Digit(i) : 0; };
  if (n.weight < 0) {
    out += '0';
  } else {
    fmt::format_to(std::back_inserter(out), "{}", digit(0));
    for (int i = 1; i <= n.weight; ++i) fmt::format_to(std::back_inserter(out), "{:04}", digit(i));
  }
  if (n.dscale <= 0) return;
  out += '.';
  size_t end = out.size() + static_cast<size_t>(n.dscale);
  for (int i = n.weight + 1; out.size() < end; ++i) {
    fmt::format_to(std::back_inserter(out), "{:04}", digit(i));
  }
  out.resize(end);
}

}  // namespace tributary
