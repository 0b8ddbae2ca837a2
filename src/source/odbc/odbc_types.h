// How ODBC result columns become tributary columns. The SQL type a driver
// reports for a column (SQLDescribeCol / SQLColAttribute) decides the logical
// type and how the value is fetched; anything without an exact mapping is an
// error naming the column and its database type, never a silent guess.
//
// ODBC SQL type                              → type        fetched as
// SQL_BIT                                    → boolean     SQL_C_BIT
// SQL_TINYINT, SQL_SMALLINT                  → smallint    SQL_C_SSHORT (unsigned smallint →
// integer) SQL_INTEGER                                → integer     SQL_C_SLONG (unsigned → bigint)
// SQL_BIGINT                                 → bigint      SQL_C_SBIGINT (unsigned → decimal(20,0))
// SQL_REAL                                   → real        SQL_C_FLOAT
// SQL_FLOAT, SQL_DOUBLE                      → double      SQL_C_DOUBLE
// SQL_DECIMAL, SQL_NUMERIC (precision ≤ 38)  → decimal(p,s) text, parsed exactly
// SQL_[W](LONG)VARCHAR, SQL_[W]CHAR, xml     → text        SQL_C_WCHAR, converted to UTF-8
// SQL_[LONG]VARBINARY, SQL_BINARY            → bytes       SQL_C_BINARY
// SQL_TYPE_DATE                              → date        SQL_C_TYPE_DATE
// SQL_TYPE_TIME, SQL Server time             → time        text "hh:mm:ss[.fffffff]"
// SQL_TYPE_TIMESTAMP (datetime, datetime2)   → timestamp   SQL_C_TYPE_TIMESTAMP
// SQL Server datetimeoffset                  → timestamptz text "… ±hh:mm", stored as UTC
// SQL_GUID (uniqueidentifier)                → uuid        text
// Fractions of a second finer than a microsecond (SQL Server's 100 ns in
// time(7), datetime2(7), datetimeoffset(7)) are truncated to microseconds,
// the resolution of the lakehouse formats.
#pragma once

#include <sql.h>
#include <sqlext.h>

#include <optional>
#include <string>

#include "data/types.h"

namespace tributary {

// SQL Server's driver-specific SQL types (msodbcsql.h; FreeTDS reports the
// same codes from TDS 7.3 on).
constexpr SQLSMALLINT kSqlSsVariant = -150;
constexpr SQLSMALLINT kSqlSsUdt = -151;
constexpr SQLSMALLINT kSqlSsXml = -152;
constexpr SQLSMALLINT kSqlSsTime2 = -154;
constexpr SQLSMALLINT kSqlSsTimestampOffset = -155;

// What the driver says about one result column.
struct OdbcColumnInfo {
  std::string name;
  SQLSMALLINT sql_type = 0;  // concise type, e.g. SQL_WVARCHAR
  SQLULEN column_size = 0;   // characters / bytes / digits; 0 = unknown or unbounded
  SQLSMALLINT decimal_digits = 0;
  bool nullable = true;
  bool is_unsigned = false;
  std::string type_name;   // the database's own name, e.g. "nvarchar", for errors
  std::string base_table;  // SQL_DESC_BASE_TABLE_NAME; may be empty
};

// How a column's values are fetched and decoded.
enum class OdbcFetch : uint8_t {
  kBit,
  kInt16,
  kInt32,
  kInt64,
  kFloat32,
  kFloat64,
  kDecimalText,
  kWideText,
  kBinary,
  kDate,
  kTimestamp,
  kTimeText,
  kTimestampTzText,
  kUuidText,
};

struct OdbcColumnPlan {
  Field field;
  OdbcFetch fetch = OdbcFetch::kWideText;
  SQLSMALLINT c_type = SQL_C_WCHAR;
  // Bytes of one value's buffer when bound (terminator included for text).
  SQLLEN buffer_bytes = 0;
  // Unbounded or large values are read piecewise with SQLGetData instead of
  // being bound into row arrays.
  bool long_data = false;
};

// Values larger than this (in bytes, after conversion to UTF-16) are read
// piecewise rather than bound.
constexpr SQLULEN kMaxBoundBytes = 16'000;

// The plan for `info`, or nullopt when its type has no exact mapping.
std::optional<OdbcColumnPlan> PlanOdbcColumn(const OdbcColumnInfo& info);

// "SQL_WVARCHAR", "SQL Server datetimeoffset", "SQL type -150": for errors.
std::string OdbcSqlTypeName(SQLSMALLINT sql_type);

}  // namespace tributary
