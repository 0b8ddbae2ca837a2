#include "source/sqlserver/sqlserver_types.h"

#include <fmt/format.h>

#include <map>

#include "common/error.h"
#include "source/sqlserver/sqlserver_dialect.h"

namespace tributary {
namespace {

// System types whose tributary type does not depend on precision or scale.
const std::map<std::string, TypeId>& FixedTypes() {
  static const std::map<std::string, TypeId> types = {
      {"bit", TypeId::kBool},
      {"tinyint", TypeId::kInt16},
      {"smallint", TypeId::kInt16},
      {"int", TypeId::kInt32},
      {"bigint", TypeId::kInt64},
      {"real", TypeId::kFloat32},
      {"float", TypeId::kFloat64},
      {"char", TypeId::kText},
      {"varchar", TypeId::kText},
      {"nchar", TypeId::kText},
      {"nvarchar", TypeId::kText},
      {"text", TypeId::kText},
      {"ntext", TypeId::kText},
      {"xml", TypeId::kText},
      {"sysname", TypeId::kText},
      {"json", TypeId::kText},
      {"binary", TypeId::kBytes},
      {"varbinary", TypeId::kBytes},
      {"image", TypeId::kBytes},
      {"timestamp", TypeId::kBytes},
      {"rowversion", TypeId::kBytes},
      {"date", TypeId::kDate},
      {"time", TypeId::kTime},
      {"datetime", TypeId::kTimestamp},
      {"datetime2", TypeId::kTimestamp},
      {"smalldatetime", TypeId::kTimestamp},
      {"datetimeoffset", TypeId::kTimestampTz},
      {"uniqueidentifier", TypeId::kUuid},
  };
  return types;
}

std::string TableLabel(const TableRef& ref) {
  return ref.schema.empty() ? ref.table : ref.schema + "." + ref.table;
}

}  // namespace

std::optional<DataType> SqlServerColumnType(const SqlServerCatalogColumn& column) {
  if (column.is_assembly_type || column.base_type.empty()) return std::nullopt;
  const std::string& base = column.base_type;
  if (base == "decimal" || base == "numeric") {
    if (column.precision < 1 || column.precision > 38 || column.scale < 0 ||
        column.scale > column.precision) {
      return std::nullopt;
    }
    return DataType::Decimal(column.precision, column.scale);
  }
  if (base == "money") return DataType::Decimal(19, 4);
  if (base == "smallmoney") return DataType::Decimal(10, 4);
  auto it = FixedTypes().find(base);
  if (it == FixedTypes().end()) return std::nullopt;
  return DataType{it->second};
}

std::string SqlServerDescribeTableSql(const TableRef& ref) {
  SqlServerDialect dialect;
  // LEFT JOIN: CLR types have no system row for their system_type_id.
  return fmt::format(
      "/* tributary */ SELECT c.name AS column_name, bt.name AS base_type, "
      "ut.name AS declared_type, CAST(c.precision AS int) AS precision, "
      "CAST(c.scale AS int) AS scale, c.is_nullable, ut.is_assembly_type "
      "FROM sys.columns AS c "
      "JOIN sys.types AS ut ON ut.user_type_id = c.user_type_id "
      "LEFT JOIN sys.types AS bt ON bt.user_type_id = c.system_type_id "
      "WHERE c.object_id = OBJECT_ID({}) ORDER BY c.column_id",
      SqlServerString(dialect.QualifiedName(ref)));
}

Schema SqlServerSchema(const std::vector<SqlServerCatalogColumn>& columns, const TableRef& ref,
                       const std::string& where) {
  if (columns.empty()) {
    throw SourceError(fmt::format(
        "{}: table '{}' does not exist, or the user cannot see it (it needs VIEW DEFINITION or "
        "SELECT on it)",
        where, TableLabel(ref)));
  }
  Schema schema;
  for (const auto& c : columns) {
    auto type = SqlServerColumnType(c);
    if (!type) {
      throw SourceError(fmt::format(
          "{}: table '{}' column '{}' has type {}, which tributary cannot load exactly; load the "
          "table with the `query` strategy and cast the column (e.g. CAST({} AS nvarchar(max)), "
          "or .ToString() / .STAsText() for CLR types)",
          where, TableLabel(ref), c.name, c.declared_type,
          SqlServerDialect().QuoteIdentifier(c.name)));
    }
    schema.fields.push_back(Field{c.name, *type, c.nullable});
  }
  return schema;
}

}  // namespace tributary
