#include "config/lookback.h"

#include <cctype>

namespace tributary {
namespace {

std::optional<int64_t> UnitMicros(char unit) {
  switch (unit) {
    case 's':
      return int64_t{1'000'000};
    case 'm':
      return int64_t{60'000'000};
    case 'h':
      return int64_t{3'600'000'000};
    case 'd':
      return int64_t{86'400'000'000};
    default:
      return std::nullopt;
  }
}

bool IsNumber(std::string_view text) {
  size_t dots = 0, digits = 0;
  for (char c : text) {
    if (c == '.') {
      ++dots;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      ++digits;
    } else {
      return false;
    }
  }
  return digits > 0 && dots <= 1;
}

}  // namespace

std::optional<Lookback> ParseLookback(std::string_view text) {
  if (IsNumber(text)) return Lookback{false, 0, text};
  Lookback result{true, 0, {}};
  int64_t value = 0;
  bool have_digits = false;
  for (char c : text) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      if (value > 1'000'000'000) return std::nullopt;
      value = value * 10 + (c - '0');
      have_digits = true;
      continue;
    }
    auto unit = UnitMicros(c);
    if (!unit || !have_digits) return std::nullopt;
    result.micros += value * *unit;
    value = 0;
    have_digits = false;
  }
  if (have_digits || text.empty()) return std::nullopt;
  return result;
}

}  // namespace tributary
