#include "source/sqlserver/sqlserver_dialect.h"

#include <fmt/format.h>

#include <cctype>

#include "common/error.h"

namespace tributary {
namespace {

std::string Cast(std::string_view value, const char* type) {
  return fmt::format("CAST({} AS {})", SqlServerString(value), type);
}

// "… 13:05:00.250000+00:00" → "… 13:05:00.250000 +00:00", the spelling
// datetimeoffset documents.
std::string OffsetText(std::string_view value) {
  std::string text(value);
  size_t n = text.size();
  if (n > 6 && (text[n - 6] == '+' || text[n - 6] == '-') && text[n - 7] != ' ') {
    text.insert(n - 6, " ");
  }
  return text;
}

// Canonical bytes text "\x0aff" → 0x0AFF.
std::string BytesLiteral(std::string_view value) {
  if (value.substr(0, 2) != "\\x") throw Error(fmt::format("'{}' is not a bytes value", value));
  std::string upper = "0x";
  for (char c : value.substr(2))
    upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper;
}

}  // namespace

std::string SqlServerDialect::QuoteIdentifier(std::string_view name) const {
  std::string quoted = "[";
  for (char c : name) {
    quoted += c;
    if (c == ']') quoted += ']';
  }
  return quoted + "]";
}

std::string SqlServerDialect::Literal(const DataType& type, std::string_view value) const {
  switch (type.id) {
    case TypeId::kBool:
      return value == "true" ? "CAST(1 AS bit)" : "CAST(0 AS bit)";
    case TypeId::kDate:
      return Cast(value, "date");
    case TypeId::kTime:
      return Cast(value, "time(7)");
    case TypeId::kTimestamp:
      return Cast(value, "datetime2(7)");
    case TypeId::kTimestampTz:
      return Cast(OffsetText(value), "datetimeoffset(7)");
    case TypeId::kUuid:
      return Cast(value, "uniqueidentifier");
    case TypeId::kBytes:
      return BytesLiteral(value);
    case TypeId::kText:
    case TypeId::kJson:
      return SqlServerString(value);
    default:
      return Dialect::Literal(type, value);
  }
}

std::string SqlServerString(std::string_view text) {
  std::string quoted = "N'";
  for (char c : text) {
    quoted += c;
    if (c == '\'') quoted += '\'';
  }
  return quoted + "'";
}

std::string SqlServerBinary(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "0x";
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  }
  return out;
}

}  // namespace tributary
