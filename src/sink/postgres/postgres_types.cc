#include "sink/postgres/postgres_types.h"

#include <fmt/format.h>

#include <cstdio>

namespace tributary {
namespace {

struct PgName {
  TypeId id;
  const char* sql;
};

constexpr PgName kNames[] = {
    {TypeId::kBool, "boolean"},
    {TypeId::kInt16, "smallint"},
    {TypeId::kInt32, "integer"},
    {TypeId::kInt64, "bigint"},
    {TypeId::kFloat32, "real"},
    {TypeId::kFloat64, "double precision"},
    {TypeId::kText, "text"},
    {TypeId::kBytes, "bytea"},
    {TypeId::kJson, "jsonb"},
    {TypeId::kDate, "date"},
    {TypeId::kTime, "time without time zone"},
    {TypeId::kTimestamp, "timestamp without time zone"},
    {TypeId::kTimestampTz, "timestamp with time zone"},
    {TypeId::kInterval, "interval"},
    {TypeId::kUuid, "uuid"},
};

}  // namespace

std::string PgTypeSql(const DataType& type) {
  if (type.id == TypeId::kDecimal) return fmt::format("numeric({},{})", type.precision, type.scale);
  for (const auto& n : kNames) {
    if (n.id == type.id) return n.sql;
  }
  return "text";
}

std::optional<DataType> FromPgTypeSql(std::string_view sql) {
  int precision = 0;
  int scale = 0;
  if (std::sscanf(std::string(sql).c_str(), "numeric(%d,%d)", &precision, &scale) == 2 &&
      precision >= 1 && precision <= 38) {
    return DataType::Decimal(precision, scale);
  }
  if (sql == "character varying" || sql.starts_with("character varying(")) {
    return DataType{TypeId::kText};
  }
  if (sql == "json") return DataType{TypeId::kJson};
  for (const auto& n : kNames) {
    if (sql == n.sql) return DataType{n.id};
  }
  return std::nullopt;
}

}  // namespace tributary
