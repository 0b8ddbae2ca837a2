// Number parsers of text_values.h.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include "data/text_values.h"

namespace tributary {
namespace {

// A decimal literal split into its digits and a power of ten:
// value = sign * digits * 10^exponent.
struct DecimalParts {
  bool negative = false;
  std::string digits;
  int64_t exponent = 0;
};

bool ParseExponent(std::string_view text, int64_t& exponent) {
  if (text.empty()) return true;
  if (text[0] != 'e' && text[0] != 'E') return false;
  text.remove_prefix(1);
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  if (text.empty() || text.size() > 6) return false;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), exponent);
  return ec == std::errc() && p == text.data() + text.size();
}

std::optional<DecimalParts> SplitDecimal(std::string_view text) {
  DecimalParts parts;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    parts.negative = text[0] == '-';
    text.remove_prefix(1);
  }
  size_t i = 0;
  int fraction_digits = 0;
  bool seen_point = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.' && !seen_point) {
      seen_point = true;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      parts.digits.push_back(c);
      if (seen_point) ++fraction_digits;
    } else {
      break;
    }
  }
  if (parts.digits.empty() || !ParseExponent(text.substr(i), parts.exponent)) return std::nullopt;
  parts.exponent -= fraction_digits;
  return parts;
}

// Drops `drop` trailing digits, rounding half away from zero.
std::string RoundOff(const std::string& digits, size_t drop) {
  if (drop > digits.size()) return "0";
  std::string kept = digits.substr(0, digits.size() - drop);
  bool up = drop > 0 && digits[digits.size() - drop] >= '5';
  if (kept.empty()) kept = "0";
  if (!up) return kept;
  for (size_t i = kept.size(); i-- > 0;) {
    if (kept[i] != '9') {
      ++kept[i];
      return kept;
    }
    kept[i] = '0';
  }
  return "1" + kept;
}

}  // namespace

std::optional<int64_t> ParseInt64Text(std::string_view text) {
  int64_t value = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || p != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<double> ParseDoubleText(std::string_view text) {
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  double value = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || p != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<Int128> ParseDecimalText(std::string_view text, int precision, int scale) {
  auto parts = SplitDecimal(text);
  if (!parts) return std::nullopt;
  int64_t shift = parts->exponent + scale;
  std::string digits;
  if (shift >= 0) {
    if (shift > 40) shift = 40;  // more than 38 digits overflows anyway (unless all zero)
    digits = parts->digits + std::string(static_cast<size_t>(shift), '0');
  } else {
    digits = RoundOff(parts->digits, static_cast<size_t>(std::min<int64_t>(-shift, 1000)));
  }
  digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size()));
  if (static_cast<int>(digits.size()) > precision) return std::nullopt;
  Int128 value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return parts->negative ? -value : value;
}

std::optional<bool> ParseBoolText(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (lower == "true" || lower == "t" || lower == "1") return true;
  if (lower == "false" || lower == "f" || lower == "0") return false;
  return std::nullopt;
}

std::string FormatDouble(double value) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, end);
}

}  // namespace tributary
