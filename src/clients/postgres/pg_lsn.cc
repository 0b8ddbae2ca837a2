#include "clients/postgres/pg_lsn.h"

#include <fmt/format.h>

#include <charconv>

namespace tributary {
namespace {

std::optional<uint32_t> ParseHalf(std::string_view text) {
  if (text.empty() || text.size() > 8) return std::nullopt;
  uint32_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string FormatLsn(PgLsn lsn) {
  return fmt::format("{:X}/{:X}", static_cast<uint32_t>(lsn >> 32), static_cast<uint32_t>(lsn));
}

std::string LsnPosition(PgLsn lsn) {
  return fmt::format("{:08X}/{:08X}", static_cast<uint32_t>(lsn >> 32), static_cast<uint32_t>(lsn));
}

std::optional<PgLsn> ParseLsn(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto high = ParseHalf(text.substr(0, slash));
  auto low = ParseHalf(text.substr(slash + 1));
  if (!high || !low) return std::nullopt;
  return (PgLsn{*high} << 32) | *low;
}

}  // namespace tributary
