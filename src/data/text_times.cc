// Date, time, timestamp and UUID parsers of text_values.h.
#include <cctype>
#include <chrono>

#include "data/text_values.h"

namespace tributary {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

// Reads exactly `count` digits from the front of `text`.
std::optional<int> TakeDigits(std::string_view& text, size_t count) {
  if (text.size() < count) return std::nullopt;
  int value = 0;
  for (size_t i = 0; i < count; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  text.remove_prefix(count);
  return value;
}

bool TakeChar(std::string_view& text, char c) {
  if (text.empty() || text[0] != c) return false;
  text.remove_prefix(1);
  return true;
}

std::optional<int32_t> TakeDate(std::string_view& text) {
  auto y = TakeDigits(text, 4);
  if (!y || !TakeChar(text, '-')) return std::nullopt;
  auto m = TakeDigits(text, 2);
  if (!m || !TakeChar(text, '-')) return std::nullopt;
  auto d = TakeDigits(text, 2);
  if (!d) return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year(*y), std::chrono::month(*m),
                                  std::chrono::day(*d)};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd).time_since_epoch().count();
}

// ".ffffff…" → microseconds (beyond six digits truncated); absent → 0.
std::optional<int64_t> TakeFraction(std::string_view& text) {
  if (!TakeChar(text, '.')) return 0;
  int64_t micros = 0;
  size_t n = 0;
  for (; n < text.size() && std::isdigit(static_cast<unsigned char>(text[n])); ++n) {
    if (n < 6) micros = micros * 10 + (text[n] - '0');
  }
  if (n == 0) return std::nullopt;
  for (size_t i = n; i < 6; ++i) micros *= 10;
  text.remove_prefix(n);
  return micros;
}

std::optional<int64_t> TakeTime(std::string_view& text) {
  auto h = TakeDigits(text, 2);
  if (!h || !TakeChar(text, ':')) return std::nullopt;
  auto m = TakeDigits(text, 2);
  if (!m || *h > 23 || *m > 59) return std::nullopt;
  int64_t seconds = 0;
  int64_t fraction = 0;
  if (TakeChar(text, ':')) {
    auto s = TakeDigits(text, 2);
    auto f = s ? TakeFraction(text) : std::nullopt;
    if (!f || *s > 59) return std::nullopt;
    seconds = *s;
    fraction = *f;
  }
  return ((*h * 60 + *m) * 60 + seconds) * kMicrosPerSecond + fraction;
}

// "Z", "±HH", "±HHMM" or "±HH:MM" → offset east of UTC in microseconds.
std::optional<int64_t> TakeOffset(std::string_view& text) {
  if (TakeChar(text, 'Z') || TakeChar(text, 'z')) return 0;
  int sign = TakeChar(text, '+') ? 1 : (TakeChar(text, '-') ? -1 : 0);
  if (sign == 0) return std::nullopt;
  auto h = TakeDigits(text, 2);
  if (!h) return std::nullopt;
  int m = 0;
  if (!text.empty()) {
    TakeChar(text, ':');
    auto mm = TakeDigits(text, 2);
    if (!mm) return std::nullopt;
    m = *mm;
  }
  if (*h > 23 || m > 59) return std::nullopt;
  return sign * (*h * 60 + m) * 60 * kMicrosPerSecond;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<int32_t> ParseDateText(std::string_view text) {
  auto days = TakeDate(text);
  if (!days || !text.empty()) return std::nullopt;
  return days;
}

std::optional<int64_t> ParseTimeText(std::string_view text) {
  auto micros = TakeTime(text);
  if (!micros || !text.empty()) return std::nullopt;
  return micros;
}

std::optional<int64_t> ParseTimestampText(std::string_view text) {
  auto days = TakeDate(text);
  if (!days) return std::nullopt;
  int64_t micros = *days * kMicrosPerDay;
  if (TakeChar(text, ' ') || TakeChar(text, 'T') || TakeChar(text, 't')) {
    auto time = TakeTime(text);
    if (!time) return std::nullopt;
    micros += *time;
  }
  while (TakeChar(text, ' ')) {
  }
  if (text.empty()) return micros;
  auto offset = TakeOffset(text);
  if (!offset || !text.empty()) return std::nullopt;
  return micros - *offset;
}

std::optional<Uuid> ParseUuidText(std::string_view text) {
  bool dashed = text.size() == 36;
  if (!dashed && text.size() != 32) return std::nullopt;
  Uuid uuid;
  size_t nibble = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (dashed && (i == 8 || i == 13 || i == 18 || i == 23)) {
      if (text[i] != '-') return std::nullopt;
      continue;
    }
    int v = HexValue(text[i]);
    if (v < 0) return std::nullopt;
    uuid.bytes[nibble / 2] = static_cast<uint8_t>(uuid.bytes[nibble / 2] << 4 | v);
    ++nibble;
  }
  return uuid;
}

}  // namespace tributary
