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

int ParseIntText(std::string_view s) {
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
    if (comma == std::string_view::npos) return DataType::Decimal(ParseIntText(inner), 0);
    return DataType::Decimal(ParseIntText(inner.substr(0, comma)),
                             ParseIntText(inner.substr(comma + 1)));
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

namespace {

// Integer digits a type may produce (`needed`) or can always hold: an int16
// produces up to 5 digits but holds every 4-digit number.
int IntegerDigits(const DataType& type, bool needed) {
  switch (type.id) {
    case TypeId::kInt16:
      return needed ? 5 : 4;
    case TypeId::kInt32:
      return needed ? 10 : 9;
    case TypeId::kInt64:
      return needed ? 19 : 18;
    case TypeId::kDecimal:
      return type.precision - type.scale;
    default:
      return 0;
  }
}

bool IsInteger(TypeId id) {
  return id == TypeId::kInt16 || id == TypeId::kInt32 || id == TypeId::kInt64;
}

}  // namespace

bool FitsInto(const DataType& incoming, const DataType& existing) {
  if (incoming == existing) return true;
  if (incoming.id == TypeId::kJson && existing.id == TypeId::kText) return true;
  if (incoming.id == TypeId::kFloat32 && existing.id == TypeId::kFloat64) return true;
  if (IsInteger(incoming.id) && existing.id == TypeId::kFloat64)
    return incoming.id != TypeId::kInt64;
  bool exact_in = IsInteger(incoming.id) || incoming.id == TypeId::kDecimal;
  bool exact_out = IsInteger(existing.id) || existing.id == TypeId::kDecimal;
  if (!exact_in || !exact_out) return false;
  int scale_in = incoming.id == TypeId::kDecimal ? incoming.scale : 0;
  int scale_out = existing.id == TypeId::kDecimal ? existing.scale : 0;
  if (IsInteger(existing.id) && scale_in > 0) return false;
  return scale_out >= scale_in && IntegerDigits(existing, false) >= IntegerDigits(incoming, true);
}

int Schema::IndexOf(std::string_view name) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace tributary
