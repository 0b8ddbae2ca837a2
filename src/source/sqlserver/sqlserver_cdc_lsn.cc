#include "source/sqlserver/sqlserver_cdc_lsn.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/error.h"

namespace tributary {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Exactly 2 * bytes.size() hex digits into `bytes`.
bool ParseHex(std::string_view hex, uint8_t* bytes, size_t count) {
  if (hex.size() != 2 * count) return false;
  for (size_t i = 0; i < count; ++i) {
    int hi = HexDigit(hex[2 * i]), lo = HexDigit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    bytes[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return true;
}

}  // namespace

SqlServerLsn SqlServerLsn::FromBytes(std::string_view bytes) {
  if (bytes.size() != 10) {
    throw Error(fmt::format("an LSN has 10 bytes, this value has {}", bytes.size()));
  }
  SqlServerLsn lsn;
  std::copy(bytes.begin(), bytes.end(), lsn.bytes_.begin());
  return lsn;
}

std::optional<SqlServerLsn> SqlServerLsn::Parse(std::string_view text) {
  SqlServerLsn lsn;
  uint8_t* b = lsn.bytes_.data();
  if (text.size() == 22 && text[8] == ':' && text[17] == ':') {
    bool ok = ParseHex(text.substr(0, 8), b, 4) && ParseHex(text.substr(9, 8), b + 4, 4) &&
              ParseHex(text.substr(18, 4), b + 8, 2);
    return ok ? std::optional(lsn) : std::nullopt;
  }
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
    text.remove_prefix(2);
  return ParseHex(text, b, 10) ? std::optional(lsn) : std::nullopt;
}

std::string SqlServerLsn::ToString() const {
  std::string out = "0x";
  for (uint8_t b : bytes_) out += fmt::format("{:02X}", b);
  return out;
}

std::string SqlServerLsn::Bytes() const {
  return std::string(reinterpret_cast<const char*>(bytes_.data()), bytes_.size());
}

bool SqlServerLsn::IsZero() const {
  return std::all_of(bytes_.begin(), bytes_.end(), [](uint8_t b) { return b == 0; });
}

SqlServerLsn SqlServerLsn::Next() const {
  SqlServerLsn next = *this;
  for (size_t i = next.bytes_.size(); i-- > 0;) {
    if (++next.bytes_[i] != 0) return next;
  }
  throw Error("the LSN 0xFFFFFFFFFFFFFFFFFFFF has no successor");
}

}  // namespace tributary
