#include "source/odbc/odbc_text.h"

#include <fmt/format.h>

#include "common/error.h"
#include "data/utf8.h"

namespace tributary {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Writes the UTF-8 bytes of `cp` at `p`; returns the end.
char* WriteCodePoint(char32_t cp, char* p) {
  if (cp < 0x80) {
    *p++ = static_cast<char>(cp);
  } else if (cp < 0x800) {
    *p++ = static_cast<char>(0xC0 | (cp >> 6));
    *p++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *p++ = static_cast<char>(0xE0 | (cp >> 12));
    *p++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *p++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *p++ = static_cast<char>(0xF0 | (cp >> 18));
    *p++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *p++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *p++ = static_cast<char>(0x80 | (cp & 0x3F));
  }
  return p;
}

void AppendCodePoint(char32_t cp, std::string& out) {
  char buffer[4];
  out.append(buffer, static_cast<size_t>(WriteCodePoint(cp, buffer) - buffer));
}

bool IsHigh(SQLWCHAR u) { return u >= 0xD800 && u <= 0xDBFF; }
bool IsLow(SQLWCHAR u) { return u >= 0xDC00 && u <= 0xDFFF; }

// Decodes the code point at units[i], advancing i; nullopt-like -1 on an
// unpaired surrogate (i still advances by one unit).
int64_t NextCodePoint(const SQLWCHAR* units, size_t count, size_t& i) {
  SQLWCHAR u = units[i++];
  if (IsHigh(u)) {
    if (i < count && IsLow(units[i])) {
      SQLWCHAR low = units[i++];
      return 0x10000 + ((char32_t{u} - 0xD800) << 10) + (char32_t{low} - 0xDC00);
    }
    return -1;
  }
  if (IsLow(u)) return -1;
  return u;
}

// Decodes one UTF-8 sequence of already validated text.
char32_t DecodeUtf8(std::string_view text, size_t& i) {
  auto b = static_cast<unsigned char>(text[i]);
  int len = b < 0x80 ? 1 : (b < 0xE0 ? 2 : (b < 0xF0 ? 3 : 4));
  char32_t cp = len == 1 ? b : (b & (0xFF >> (len + 1)));
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
  i += static_cast<size_t>(len);
  return cp;
}

}  // namespace

WideString ToWide(std::string_view text, std::string_view what) {
  if (!IsValidUtf8(text)) throw Error(fmt::format("{} is not valid UTF-8", what));
  WideString out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    char32_t cp = DecodeUtf8(text, i);
    if (cp < 0x10000) {
      out += static_cast<SQLWCHAR>(cp);
    } else {
      out += static_cast<SQLWCHAR>(0xD800 + ((cp - 0x10000) >> 10));
      out += static_cast<SQLWCHAR>(0xDC00 + ((cp - 0x10000) & 0x3FF));
    }
  }
  return out;
}

bool AppendUtf8(const SQLWCHAR* units, size_t count, std::string& out) {
  // Writes straight into the string (at most 3 bytes per unit; a surrogate
  // pair, 2 units, makes 4), then trims: no per-character capacity checks.
  size_t start = out.size();
  out.resize(start + 3 * count);
  char* p = out.data() + start;
  for (size_t i = 0; i < count;) {
    if (units[i] < 0x80) {
      *p++ = static_cast<char>(units[i++]);
      continue;
    }
    int64_t cp = NextCodePoint(units, count, i);
    if (cp < 0) {
      out.resize(static_cast<size_t>(p - out.data()));
      return false;
    }
    p = WriteCodePoint(static_cast<char32_t>(cp), p);
  }
  out.resize(static_cast<size_t>(p - out.data()));
  return true;
}

std::string FromWide(const SQLWCHAR* units, size_t count) {
  std::string out;
  for (size_t i = 0; i < count;) {
    int64_t cp = NextCodePoint(units, count, i);
    AppendCodePoint(cp < 0 ? kReplacement : static_cast<char32_t>(cp), out);
  }
  return out;
}

}  // namespace tributary
