#include "data/types.h"

#include <fmt/format.h>

#include <charconv>

#include "common/error.h"

namespace tributary {
namespace {

struct NamedType {
  TypeId id;
  const char* name;
};

constexpr NamedType kNames[] = {
    {TypeId::kBool, "boolean"},
    {TypeId::kInt16, "smallint"},
    {TypeId::kInt32, "integer"},
    {TypeId::kInt64, "bigint"},
    {TypeId::kFloat32, "real"},
    {TypeId::kFloat64, "double"},
    {TypeId::kDecimal, "decimal"},
    {TypeId::kText, "text"},
    {TypeId::kBytes, "bytes"},
    {TypeId::kDate, "date"},
    {TypeId::kTime, "time"},
    {TypeId::kTimestamp, "timestamp"},
    {TypeId::kTimestampTz, "timestamptz"},
    {TypeId::kInterval, "interval"},
    {TypeId::kUuid, "uuid"},
    {TypeId::kJson, "json"},
};

int ParseInt(std::string_view s) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) throw Error(fmt::format("bad number '{}'", s));
  return v;
}

}  // namespace

DataType DataType::Decimal(int precision, int scale) {
  if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
    throw Error(
        fmt::format("decimal({},{}) is out of range: precision must be 1..38 and "
                    "scale 0..precision",
                    precision, scale));
  }
  return DataType{TypeId::kDecimal, static_cast<uint8_t>(precision), static_cast<uint8_t>(scale)};
}

std::string TypeName(const DataType& type) {
  if (type.id == TypeId::kDecimal) return fmt::format("decimal({},{})", type.precision, type.scale);
  for (const auto& n : kNames) {
    if (n.id == type.id) return n.name;
  }
  return "unknown";
}

DataType ParseTypeName(std::string_view name) {
  if (name.starts_with("decimal(") && name.ends_with(")")) {
    auto inner = name.substr(8, name.size() - 9);
    auto comma = inner.find(',');
    if (comma == std::string_view::npos) return DataType::Decimal(ParseInt(inner), 0);
    return DataType::Decimal(ParseInt(inner.substr(0, comma)), ParseInt(inner.substr(comma + 1)));
  }
  for (const auto& n : kNames) {
    if (name == n.name) return DataType{n.id};
  }
  throw Error(fmt::format("unknown type '{}'", name));
}

bool IsVarLen(TypeId id) {
  return id == TypeId::kText || id == TypeId::kBytes || id == TypeId::kJson;
}

size_t FixedWidth(TypeId id) {
  switch (id) {
    case TypeId::kBool:
      return 1;
    case TypeId::kInt16:
      return 2;
    case TypeId::kInt32:
    case TypeId::kFloat32:
    case TypeId::kDate:
      return 4;
    case TypeId::kInt64:
    case TypeId::kFloat64:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      return 8;
    case TypeId::kDecimal:
    case TypeId::kInterval:
    case TypeId::kUuid:
      return 16;
    case TypeId::kText:
    case TypeId::kBytes:
    case TypeId::kJson:
      return 0;
  }
  return 0;
}

int Schema::IndexOf(std::string_view name) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace tributary
