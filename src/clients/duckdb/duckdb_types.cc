#include "clients/duckdb/duckdb_types.h"

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

}  // namespace tributary
