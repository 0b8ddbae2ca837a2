// Value conversion of sqlite_types.h: one function per target type, each
// strict (nullopt / false when the value is not exactly representable).
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <string>

#include "data/text_values.h"
#include "data/utf8.h"
#include "source/sqlite/sqlite_types.h"

namespace tributary {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

std::string_view Text(sqlite3_value* v) {
  return {reinterpret_cast<const char*>(sqlite3_value_text(v)),
          static_cast<size_t>(sqlite3_value_bytes(v))};
}

std::string_view Blob(sqlite3_value* v) {
  return {static_cast<const char*>(sqlite3_value_blob(v)),
          static_cast<size_t>(sqlite3_value_bytes(v))};
}

// A REAL that is a whole number inside int64's range.
std::optional<int64_t> IntegralDouble(double d) {
  if (!std::isfinite(d) || d != std::trunc(d) || d < -0x1p63 || d >= 0x1p63) return std::nullopt;
  return static_cast<int64_t>(d);
}

std::optional<int64_t> AsInteger(sqlite3_value* v) {
  switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
      return sqlite3_value_int64(v);
    case SQLITE_FLOAT:
      return IntegralDouble(sqlite3_value_double(v));
    case SQLITE_TEXT:
      return ParseInt64Text(Text(v));
    default:
      return std::nullopt;
  }
}

std::optional<double> AsDouble(sqlite3_value* v) {
  switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
      return static_cast<double>(sqlite3_value_int64(v));
    case SQLITE_FLOAT:
      return sqlite3_value_double(v);
    case SQLITE_TEXT:
      return ParseDoubleText(Text(v));
    default:
      return std::nullopt;
  }
}

std::optional<bool> AsBool(sqlite3_value* v) {
  if (sqlite3_value_type(v) == SQLITE_TEXT) return ParseBoolText(Text(v));
  auto number = AsInteger(v);
  if (!number || (*number != 0 && *number != 1)) return std::nullopt;
  return *number == 1;
}

std::optional<Int128> AsDecimal(sqlite3_value* v, const DataType& type) {
  switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
      return ParseDecimalText(std::to_string(sqlite3_value_int64(v)), type.precision, type.scale);
    case SQLITE_FLOAT: {
      double d = sqlite3_value_double(v);
      if (!std::isfinite(d)) return std::nullopt;
      return ParseDecimalText(FormatDouble(d), type.precision, type.scale);
    }
    case SQLITE_TEXT:
      return ParseDecimalText(Text(v), type.precision, type.scale);
    default:
      return std::nullopt;
  }
}

// Julian day number → µs since the epoch, rounded to the millisecond exactly
// as SQLite's own date functions do (date.c, setRawDateNumber).
std::optional<int64_t> JulianDayMicros(double jd) {
  if (!(jd >= 0.0 && jd <= 5373484.5)) return std::nullopt;
  auto ms = static_cast<int64_t>(jd * 86400000.0 + 0.5);
  return (ms - 210866760000000) * 1000;
}

std::optional<int64_t> AsTimestamp(sqlite3_value* v) {
  switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER: {
      int64_t seconds = sqlite3_value_int64(v);
      if (seconds > 253402300799 || seconds < -62135596800) return std::nullopt;  // years 1..9999
      return seconds * kMicrosPerSecond;
    }
    case SQLITE_FLOAT:
      return JulianDayMicros(sqlite3_value_double(v));
    case SQLITE_TEXT:
      return ParseTimestampText(Text(v));
    default:
      return std::nullopt;
  }
}

std::optional<int32_t> AsDate(sqlite3_value* v) {
  auto micros = AsTimestamp(v);
  if (!micros || *micros % kMicrosPerDay != 0) return std::nullopt;
  return static_cast<int32_t>(*micros / kMicrosPerDay);
}

std::optional<Uuid> AsUuid(sqlite3_value* v) {
  if (sqlite3_value_type(v) == SQLITE_TEXT) return ParseUuidText(Text(v));
  if (sqlite3_value_type(v) != SQLITE_BLOB || sqlite3_value_bytes(v) != 16) return std::nullopt;
  Uuid uuid;
  std::memcpy(uuid.bytes, sqlite3_value_blob(v), 16);
  return uuid;
}

// Text, json and bytes: numbers become their spelling; text and blobs keep
// their bytes, which must be UTF-8 unless the column holds bytes.
bool AppendVarLen(sqlite3_value* v, Column& column) {
  switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
      column.AppendBytes(std::to_string(sqlite3_value_int64(v)));
      return true;
    case SQLITE_FLOAT:
      column.AppendBytes(FormatDouble(sqlite3_value_double(v)));
      return true;
    default:
      break;
  }
  std::string_view bytes = sqlite3_value_type(v) == SQLITE_TEXT ? Text(v) : Blob(v);
  if (column.type().id != TypeId::kBytes && !IsValidUtf8(bytes)) return false;
  column.AppendBytes(bytes);
  return true;
}

template <class T, class U>
bool AppendIf(const std::optional<U>& value, Column& column) {
  if (!value) return false;
  column.Append<T>(static_cast<T>(*value));
  return true;
}

template <class T>
bool AppendIntegerIn(sqlite3_value* v, Column& column) {
  auto value = AsInteger(v);
  if (!value || *value < std::numeric_limits<T>::min() || *value > std::numeric_limits<T>::max()) {
    return false;
  }
  column.Append<T>(static_cast<T>(*value));
  return true;
}

}  // namespace

bool AppendSqliteValue(sqlite3_value* value, Column& column) {
  if (sqlite3_value_type(value) == SQLITE_NULL) {
    column.AppendNull();
    return true;
  }
  switch (column.type().id) {
    case TypeId::kBool:
      return AppendIf<uint8_t>(AsBool(value), column);
    case TypeId::kInt16:
      return AppendIntegerIn<int16_t>(value, column);
    case TypeId::kInt32:
      return AppendIntegerIn<int32_t>(value, column);
    case TypeId::kInt64:
      return AppendIntegerIn<int64_t>(value, column);
    case TypeId::kFloat32:
      return AppendIf<float>(AsDouble(value), column);
    case TypeId::kFloat64:
      return AppendIf<double>(AsDouble(value), column);
    case TypeId::kDecimal:
      return AppendIf<Int128>(AsDecimal(value, column.type()), column);
    case TypeId::kDate:
      return AppendIf<int32_t>(AsDate(value), column);
    case TypeId::kTime:
      return sqlite3_value_type(value) == SQLITE_TEXT &&
             AppendIf<int64_t>(ParseTimeText(Text(value)), column);
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      return AppendIf<int64_t>(AsTimestamp(value), column);
    case TypeId::kUuid:
      return AppendIf<Uuid>(AsUuid(value), column);
    case TypeId::kText:
    case TypeId::kJson:
    case TypeId::kBytes:
      return AppendVarLen(value, column);
    case TypeId::kInterval:
      return false;
  }
  return false;
}

}  // namespace tributary
