// Declared-type mapping and value descriptions of sqlite_types.h.
#include "source/sqlite/sqlite_types.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "data/utf8.h"

namespace tributary {
namespace {

// Upper case, trimmed, inner whitespace runs collapsed to one space.
std::string Normalize(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

struct Hint {
  const char* name;
  TypeId id;
};

constexpr Hint kHints[] = {
    {"BOOLEAN", TypeId::kBool},
    {"BOOL", TypeId::kBool},
    {"SMALLINT", TypeId::kInt16},
    {"INT2", TypeId::kInt16},
    {"TINYINT", TypeId::kInt16},
    {"REAL", TypeId::kFloat64},
    {"DOUBLE", TypeId::kFloat64},
    {"DOUBLE PRECISION", TypeId::kFloat64},
    {"FLOAT", TypeId::kFloat64},
    {"FLOAT4", TypeId::kFloat64},
    {"FLOAT8", TypeId::kFloat64},
    {"DECIMAL", TypeId::kFloat64},
    {"NUMERIC", TypeId::kFloat64},
    {"DATE", TypeId::kDate},
    {"DATETIME", TypeId::kTimestamp},
    {"TIMESTAMP", TypeId::kTimestamp},
    {"TIMESTAMP WITHOUT TIME ZONE", TypeId::kTimestamp},
    {"TIMESTAMPTZ", TypeId::kTimestampTz},
    {"TIMESTAMP WITH TIME ZONE", TypeId::kTimestampTz},
    {"DATETIMEOFFSET", TypeId::kTimestampTz},
    {"TIME", TypeId::kTime},
    {"TIME WITHOUT TIME ZONE", TypeId::kTime},
    {"JSON", TypeId::kJson},
    {"UUID", TypeId::kUuid},
    {"UNIQUEIDENTIFIER", TypeId::kUuid},
};

// SQLite's affinity rules (datatype3.html §3.1), in SQLite's order.
TypeId AffinityType(const std::string& name) {
  auto has = [&](const char* part) { return name.find(part) != std::string::npos; };
  if (has("INT")) return TypeId::kInt64;
  if (has("CHAR") || has("CLOB") || has("TEXT")) return TypeId::kText;
  if (has("BLOB") || name.empty()) return TypeId::kBytes;
  if (has("REAL") || has("FLOA") || has("DOUB")) return TypeId::kFloat64;
  return TypeId::kText;
}

int ToInt(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  int value = -1;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && p == text.data() + text.size() ? value : -1;
}

// DECIMAL(p[,s]) / NUMERIC(p[,s]); text when p or s is out of range.
DataType DecimalType(std::string_view args) {
  size_t comma = args.find(',');
  int precision = ToInt(args.substr(0, comma));
  int scale = comma == std::string_view::npos ? 0 : ToInt(args.substr(comma + 1));
  if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
    return DataType{TypeId::kText};
  }
  return DataType::Decimal(precision, scale);
}

// Text cut to about `limit` bytes at a character boundary.
std::string Shorten(std::string_view text, size_t limit) {
  if (text.size() <= limit) return std::string(text);
  size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end)) + "…";
}

std::string Hex(std::string_view bytes, size_t limit) {
  std::string out;
  for (size_t i = 0; i < bytes.size() && i < limit; ++i) {
    out += fmt::format("{:02x}", static_cast<unsigned char>(bytes[i]));
  }
  return bytes.size() > limit ? out + "…" : out;
}

}  // namespace

DataType SqliteDeclaredType(std::string_view declared) {
  std::string name = Normalize(declared);
  std::string base = name;
  std::string args;
  if (size_t open = name.find('('); open != std::string::npos) {
    size_t close = name.find(')', open);
    args = name.substr(open + 1, close == std::string::npos ? std::string::npos : close - open - 1);
    base = Normalize(name.substr(0, open));
  }
  if ((base == "DECIMAL" || base == "NUMERIC") && !args.empty()) return DecimalType(args);
  for (const Hint& hint : kHints) {
    if (base == hint.name) return DataType{hint.id};
  }
  return DataType{AffinityType(name)};
}

std::string DescribeSqliteValue(sqlite3_value* value) {
  switch (sqlite3_value_type(value)) {
    case SQLITE_INTEGER:
      return fmt::format("INTEGER {}", sqlite3_value_int64(value));
    case SQLITE_FLOAT:
      return fmt::format("REAL {}", sqlite3_value_double(value));
    case SQLITE_TEXT: {
      std::string_view text(reinterpret_cast<const char*>(sqlite3_value_text(value)),
                            static_cast<size_t>(sqlite3_value_bytes(value)));
      if (!IsValidUtf8(text)) return fmt::format("TEXT (not valid UTF-8) x'{}'", Hex(text, 32));
      return fmt::format("TEXT '{}'", Shorten(text, 60));
    }
    case SQLITE_BLOB: {
      std::string_view blob(static_cast<const char*>(sqlite3_value_blob(value)),
                            static_cast<size_t>(sqlite3_value_bytes(value)));
      return fmt::format("BLOB of {} bytes x'{}'", blob.size(), Hex(blob, 32));
    }
    default:
      return "NULL";
  }
}

}  // namespace tributary
