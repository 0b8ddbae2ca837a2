#include "sink/duckdb_types.h"

#include <fmt/format.h>

#include <cstdio>

namespace tributary {
namespace {

struct DuckName {
  TypeId id;
  const char* sql;
  duckdb_type chunk;
};

constexpr DuckName kNames[] = {
    {TypeId::kBool, "BOOLEAN", DUCKDB_TYPE_BOOLEAN},
    {TypeId::kInt16, "SMALLINT", DUCKDB_TYPE_SMALLINT},
    {TypeId::kInt32, "INTEGER", DUCKDB_TYPE_INTEGER},
    {TypeId::kInt64, "BIGINT", DUCKDB_TYPE_BIGINT},
    {TypeId::kFloat32, "FLOAT", DUCKDB_TYPE_FLOAT},
    {TypeId::kFloat64, "DOUBLE", DUCKDB_TYPE_DOUBLE},
    {TypeId::kText, "VARCHAR", DUCKDB_TYPE_VARCHAR},
    {TypeId::kBytes, "BLOB", DUCKDB_TYPE_BLOB},
    {TypeId::kJson, "JSON", DUCKDB_TYPE_VARCHAR},
    {TypeId::kDate, "DATE", DUCKDB_TYPE_DATE},
    {TypeId::kTime, "TIME", DUCKDB_TYPE_TIME},
    {TypeId::kTimestamp, "TIMESTAMP", DUCKDB_TYPE_TIMESTAMP},
    {TypeId::kTimestampTz, "TIMESTAMP WITH TIME ZONE", DUCKDB_TYPE_TIMESTAMP_TZ},
    {TypeId::kInterval, "INTERVAL", DUCKDB_TYPE_INTERVAL},
    {TypeId::kUuid, "UUID", DUCKDB_TYPE_UUID},
};

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

std::string DuckTypeSql(const DataType& type) {
  if (type.id == TypeId::kDecimal) return fmt::format("DECIMAL({},{})", type.precision, type.scale);
  for (const auto& n : kNames) {
    if (n.id == type.id) return n.sql;
  }
  return "VARCHAR";
}

std::optional<DataType> FromDuckTypeSql(std::string_view sql) {
  int precision = 0;
  int scale = 0;
  if (std::sscanf(std::string(sql).c_str(), "DECIMAL(%d,%d)", &precision, &scale) == 2) {
    return DataType::Decimal(precision, scale);
  }
  for (const auto& n : kNames) {
    if (sql == n.sql) return DataType{n.id};
  }
  return std::nullopt;
}

DuckLogicalType DuckChunkType(const DataType& type) {
  if (type.id == TypeId::kDecimal) {
    return DuckLogicalType(duckdb_create_decimal_type(type.precision, type.scale));
  }
  for (const auto& n : kNames) {
    if (n.id == type.id) return DuckLogicalType(duckdb_create_logical_type(n.chunk));
  }
  return DuckLogicalType(duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR));
}

bool AppendsInto(const DataType& incoming, const DataType& existing) {
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

}  // namespace tributary
