#include "source/odbc/odbc_types.h"

#include <fmt/format.h>

namespace tributary {
namespace {

constexpr SQLLEN kNumberTextBytes = 64;  // sign, 38 digits, point, terminator
constexpr SQLLEN kTimeTextBytes = 32;    // hh:mm:ss.fffffff
constexpr SQLLEN kStampTextBytes = 64;   // yyyy-mm-dd hh:mm:ss.fffffff +hh:mm

OdbcColumnPlan Fixed(const OdbcColumnInfo& info, DataType type, OdbcFetch fetch, SQLSMALLINT c_type,
                     SQLLEN bytes) {
  OdbcColumnPlan plan;
  plan.field = Field{info.name, type, info.nullable};
  plan.fetch = fetch;
  plan.c_type = c_type;
  plan.buffer_bytes = bytes;
  return plan;
}

// Text is fetched as UTF-16. A driver may count `column_size` in code points,
// each of which can take two UTF-16 units, hence the doubling.
OdbcColumnPlan Text(const OdbcColumnInfo& info, bool always_long) {
  OdbcColumnPlan plan = Fixed(info, DataType{TypeId::kText}, OdbcFetch::kWideText, SQL_C_WCHAR, 0);
  SQLULEN units = 2 * info.column_size + 1;
  plan.long_data =
      always_long || info.column_size == 0 || units * sizeof(SQLWCHAR) > kMaxBoundBytes;
  if (!plan.long_data) plan.buffer_bytes = static_cast<SQLLEN>(units * sizeof(SQLWCHAR));
  return plan;
}

OdbcColumnPlan Binary(const OdbcColumnInfo& info, bool always_long) {
  OdbcColumnPlan plan = Fixed(info, DataType{TypeId::kBytes}, OdbcFetch::kBinary, SQL_C_BINARY, 0);
  plan.long_data = always_long || info.column_size == 0 || info.column_size > kMaxBoundBytes;
  if (!plan.long_data) plan.buffer_bytes = static_cast<SQLLEN>(info.column_size);
  return plan;
}

std::optional<OdbcColumnPlan> Decimal(const OdbcColumnInfo& info) {
  auto precision = static_cast<int>(info.column_size);
  int scale = info.decimal_digits;
  if (precision < 1 || precision > 38 || scale < 0 || scale > precision) return std::nullopt;
  return Fixed(info, DataType::Decimal(precision, scale), OdbcFetch::kDecimalText, SQL_C_CHAR,
               kNumberTextBytes);
}

std::optional<OdbcColumnPlan> Integer(const OdbcColumnInfo& info) {
  bool u = info.is_unsigned;
  switch (info.sql_type) {
    case SQL_TINYINT:
      return Fixed(info, DataType{TypeId::kInt16}, OdbcFetch::kInt16, SQL_C_SSHORT, 2);
    case SQL_SMALLINT:
      if (u) return Fixed(info, DataType{TypeId::kInt32}, OdbcFetch::kInt32, SQL_C_SLONG, 4);
      return Fixed(info, DataType{TypeId::kInt16}, OdbcFetch::kInt16, SQL_C_SSHORT, 2);
    case SQL_INTEGER:
      if (u) return Fixed(info, DataType{TypeId::kInt64}, OdbcFetch::kInt64, SQL_C_SBIGINT, 8);
      return Fixed(info, DataType{TypeId::kInt32}, OdbcFetch::kInt32, SQL_C_SLONG, 4);
    case SQL_BIGINT:
      if (u) {
        return Fixed(info, DataType::Decimal(20, 0), OdbcFetch::kDecimalText, SQL_C_CHAR,
                     kNumberTextBytes);
      }
      return Fixed(info, DataType{TypeId::kInt64}, OdbcFetch::kInt64, SQL_C_SBIGINT, 8);
    default:
      return std::nullopt;
  }
}

std::optional<OdbcColumnPlan> Temporal(const OdbcColumnInfo& info) {
  switch (info.sql_type) {
    case SQL_TYPE_DATE:
    case SQL_DATE:
      return Fixed(info, DataType{TypeId::kDate}, OdbcFetch::kDate, SQL_C_TYPE_DATE,
                   sizeof(SQL_DATE_STRUCT));
    case SQL_TYPE_TIMESTAMP:
    case SQL_TIMESTAMP:
      return Fixed(info, DataType{TypeId::kTimestamp}, OdbcFetch::kTimestamp, SQL_C_TYPE_TIMESTAMP,
                   sizeof(SQL_TIMESTAMP_STRUCT));
    case SQL_TYPE_TIME:
    case SQL_TIME:
    case kSqlSsTime2:
      return Fixed(info, DataType{TypeId::kTime}, OdbcFetch::kTimeText, SQL_C_CHAR, kTimeTextBytes);
    case kSqlSsTimestampOffset:
      return Fixed(info, DataType{TypeId::kTimestampTz}, OdbcFetch::kTimestampTzText, SQL_C_CHAR,
                   kStampTextBytes);
    default:
      return std::nullopt;
  }
}

}  // namespace

std::optional<OdbcColumnPlan> PlanOdbcColumn(const OdbcColumnInfo& info) {
  switch (info.sql_type) {
    case SQL_BIT:
      return Fixed(info, DataType{TypeId::kBool}, OdbcFetch::kBit, SQL_C_BIT, 1);
    case SQL_REAL:
      return Fixed(info, DataType{TypeId::kFloat32}, OdbcFetch::kFloat32, SQL_C_FLOAT, 4);
    case SQL_FLOAT:
    case SQL_DOUBLE:
      return Fixed(info, DataType{TypeId::kFloat64}, OdbcFetch::kFloat64, SQL_C_DOUBLE, 8);
    case SQL_DECIMAL:
    case SQL_NUMERIC:
      return Decimal(info);
    case SQL_CHAR:
    case SQL_VARCHAR:
    case SQL_WCHAR:
    case SQL_WVARCHAR:
      return Text(info, false);
    case SQL_LONGVARCHAR:
    case SQL_WLONGVARCHAR:
    case kSqlSsXml:
      return Text(info, true);
    case SQL_BINARY:
    case SQL_VARBINARY:
      return Binary(info, false);
    case SQL_LONGVARBINARY:
      return Binary(info, true);
    case SQL_GUID:
      return Fixed(info, DataType{TypeId::kUuid}, OdbcFetch::kUuidText, SQL_C_CHAR, 48);
    default:
      break;
  }
  if (auto plan = Integer(info)) return plan;
  return Temporal(info);
}

std::string OdbcSqlTypeName(SQLSMALLINT sql_type) {
  switch (sql_type) {
    case kSqlSsVariant:
      return "SQL Server sql_variant";
    case kSqlSsUdt:
      return "SQL Server CLR type";
    case kSqlSsXml:
      return "SQL Server xml";
    case kSqlSsTime2:
      return "SQL Server time";
    case kSqlSsTimestampOffset:
      return "SQL Server datetimeoffset";
    case SQL_INTERVAL_YEAR_TO_MONTH:
    case SQL_INTERVAL_DAY_TO_SECOND:
      return "SQL interval";
    default:
      return fmt::format("ODBC SQL type {}", sql_type);
  }
}

}  // namespace tributary
