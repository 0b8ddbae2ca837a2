// SQL Server column types as the catalog (sys.columns, sys.types) declares
// them, mapped to tributary types. DescribeTable uses this mapping; reading
// uses the ODBC one (odbc_types.h); both agree for every type below.
//
// bit → boolean · tinyint, smallint → smallint · int → integer · bigint → bigint
// real → real · float → double · decimal(p,s), numeric(p,s) → decimal(p,s)
// money → decimal(19,4) · smallmoney → decimal(10,4)
// char, varchar, nchar, nvarchar, text, ntext, xml, sysname, json → text
// binary, varbinary, image, rowversion/timestamp → bytes
// date → date · time → time · datetime, datetime2, smalldatetime → timestamp
// datetimeoffset → timestamptz (UTC) · uniqueidentifier → uuid
// sql_variant, hierarchyid, geometry, geography, other CLR types, vector:
// an error naming table, column and type (cast them in a `query`).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "data/types.h"
#include "source/source.h"

namespace tributary {

struct SqlServerCatalogColumn {
  std::string name;
  std::string base_type;      // the system type, e.g. "nvarchar"; empty for CLR types
  std::string declared_type;  // as declared: an alias ("Phone") or CLR type ("geometry")
  int precision = 0;
  int scale = 0;
  bool nullable = true;
  bool is_assembly_type = false;  // a CLR type (hierarchyid, geometry, user CLR types)
};

// The tributary type of a column, or nullopt when it has no exact mapping.
std::optional<DataType> SqlServerColumnType(const SqlServerCatalogColumn& column);

// The catalog query behind DescribeTable: one row per column of `ref` in
// column order — name, base type, declared type, precision, scale,
// is_nullable, is_assembly_type. An empty schema means the user's default
// schema (OBJECT_ID resolves it). Works for tables and views.
std::string SqlServerDescribeTableSql(const TableRef& ref);

// The schema of those rows. Throws SourceError naming `where`, the table,
// the column and its declared type for a type without a mapping, or naming
// the table when `columns` is empty (no such table, or no permission).
Schema SqlServerSchema(const std::vector<SqlServerCatalogColumn>& columns, const TableRef& ref,
                       const std::string& where);

}  // namespace tributary
