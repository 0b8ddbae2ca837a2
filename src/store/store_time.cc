#include "store/store_time.h"

#include <cctype>
#include <cstdio>
#include <ctime>
#include <iomanip>
#include <locale>
#include <sstream>

namespace tributary {

namespace {

std::optional<int64_t> Parse(const std::string& text, const char* format) {
  std::tm tm{};
  std::istringstream in(text);
  in.imbue(std::locale::classic());
  in >> std::get_time(&tm, format);
  if (in.fail()) return std::nullopt;
  return int64_t(timegm(&tm)) * 1000;
}

}  // namespace

std::optional<int64_t> ParseIso8601Ms(const std::string& text) {
  std::optional<int64_t> ms = Parse(text, "%Y-%m-%dT%H:%M:%S");
  if (!ms) return std::nullopt;
  if (text.size() > 20 && text[19] == '.') {
    int fraction = 0;
    int digits = 0;
    for (size_t i = 20; i < text.size() && digits < 3 && std::isdigit((unsigned char)text[i]);
         ++i) {
      fraction = fraction * 10 + (text[i] - '0');
      ++digits;
    }
    for (; digits < 3; ++digits) fraction *= 10;
    *ms += fraction;
  }
  return ms;
}

std::optional<int64_t> ParseRfc1123Ms(const std::string& text) {
  return Parse(text, "%a, %d %b %Y %H:%M:%S");
}

std::string FormatRfc1123(std::chrono::system_clock::time_point time) {
  std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buffer;
}

std::chrono::system_clock::time_point ExpiryOr(const std::string& iso8601,
                                               std::chrono::seconds fallback) {
  if (std::optional<int64_t> ms = ParseIso8601Ms(iso8601)) {
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(*ms));
  }
  return std::chrono::system_clock::now() + fallback;
}

}  // namespace tributary
