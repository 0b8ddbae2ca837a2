#include "source/odbc/odbc_values.h"

#include <fmt/format.h>

#include <chrono>
#include <cstring>

#include "data/text_values.h"
#include "source/odbc/odbc_text.h"

namespace tributary {
namespace {

constexpr int64_t kMicrosPerDay = 86'400'000'000;

template <class T>
T Load(const char* data) {
  T value;
  std::memcpy(&value, data, sizeof(T));
  return value;
}

std::optional<int32_t> Days(int year, unsigned month, unsigned day) {
  std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(month),
                                  std::chrono::day(day)};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd).time_since_epoch().count();
}

std::optional<int64_t> TimestampMicros(const SQL_TIMESTAMP_STRUCT& ts) {
  auto days = Days(ts.year, ts.month, ts.day);
  if (!days || ts.hour > 23 || ts.minute > 59 || ts.second > 60 || ts.fraction > 999'999'999) {
    return std::nullopt;
  }
  int64_t seconds = (int64_t{ts.hour} * 60 + ts.minute) * 60 + ts.second;
  return *days * kMicrosPerDay + seconds * 1'000'000 + ts.fraction / 1000;
}

// Drivers spell a decimal(p,s) with at most s fraction digits. Anything
// finer must be zeros, or the value would not fit exactly: no rounding here.
bool FitsScale(std::string_view text, int scale) {
  if (text.find_first_of("eE") != std::string_view::npos) return false;
  size_t point = text.find('.');
  if (point == std::string_view::npos) return true;
  std::string_view fraction = text.substr(point + 1);
  for (size_t i = static_cast<size_t>(scale); i < fraction.size(); ++i) {
    if (fraction[i] != '0') return false;
  }
  return true;
}

// A datetimeoffset's text always ends in an explicit "±hh:mm".
bool HasOffset(std::string_view text) {
  return text.size() > 6 && (text[text.size() - 6] == '+' || text[text.size() - 6] == '-') &&
         text[text.size() - 3] == ':';
}

bool AppendText(const OdbcColumnPlan& plan, std::string_view text, Column& column) {
  switch (plan.fetch) {
    case OdbcFetch::kDecimalText: {
      const DataType& type = plan.field.type;
      auto v = FitsScale(text, type.scale) ? ParseDecimalText(text, type.precision, type.scale)
                                           : std::nullopt;
      if (v) column.Append<Int128>(*v);
      return v.has_value();
    }
    case OdbcFetch::kTimeText: {
      auto v = ParseTimeText(text);
      if (v) column.Append<int64_t>(*v);
      return v.has_value();
    }
    case OdbcFetch::kTimestampTzText: {
      auto v = HasOffset(text) ? ParseTimestampText(text) : std::nullopt;
      if (v) column.Append<int64_t>(*v);
      return v.has_value();
    }
    case OdbcFetch::kUuidText: {
      auto v = ParseUuidText(text);
      if (v) column.Append<Uuid>(*v);
      return v.has_value();
    }
    default:
      return false;
  }
}

bool AppendStruct(const OdbcColumnPlan& plan, const char* data, Column& column) {
  if (plan.fetch == OdbcFetch::kDate) {
    auto d = Load<SQL_DATE_STRUCT>(data);
    auto days = Days(d.year, d.month, d.day);
    if (days) column.Append<int32_t>(*days);
    return days.has_value();
  }
  auto micros = TimestampMicros(Load<SQL_TIMESTAMP_STRUCT>(data));
  if (micros) column.Append<int64_t>(*micros);
  return micros.has_value();
}

}  // namespace

bool AppendOdbcValue(const OdbcColumnPlan& plan, const char* data, size_t length, Column& column,
                     std::string& scratch) {
  switch (plan.fetch) {
    case OdbcFetch::kBit:
      column.Append<uint8_t>(Load<uint8_t>(data) != 0 ? 1 : 0);
      return true;
    case OdbcFetch::kInt16:
      column.Append<int16_t>(Load<int16_t>(data));
      return true;
    case OdbcFetch::kInt32:
      column.Append<int32_t>(Load<int32_t>(data));
      return true;
    case OdbcFetch::kInt64:
      column.Append<int64_t>(Load<int64_t>(data));
      return true;
    case OdbcFetch::kFloat32:
      column.Append<float>(Load<float>(data));
      return true;
    case OdbcFetch::kFloat64:
      column.Append<double>(Load<double>(data));
      return true;
    case OdbcFetch::kWideText:
      scratch.clear();
      if (!AppendUtf8(reinterpret_cast<const SQLWCHAR*>(data), length / sizeof(SQLWCHAR),
                      scratch)) {
        return false;
      }
      column.AppendBytes(scratch);
      return true;
    case OdbcFetch::kBinary:
      column.AppendBytes(std::string_view(data, length));
      return true;
    case OdbcFetch::kDate:
    case OdbcFetch::kTimestamp:
      return AppendStruct(plan, data, column);
    default:
      return AppendText(plan, std::string_view(data, length), column);
  }
}

std::string ShowOdbcValue(const OdbcColumnPlan& plan, const char* data, size_t length) {
  constexpr size_t kShown = 64;
  if (plan.c_type == SQL_C_CHAR)
    return fmt::format("'{}'", std::string_view(data, length).substr(0, kShown));
  if (plan.c_type == SQL_C_WCHAR) {
    return fmt::format("'{}'", FromWide(reinterpret_cast<const SQLWCHAR*>(data),
                                        std::min(length / sizeof(SQLWCHAR), kShown)));
  }
  std::string hex = "0x";
  for (size_t i = 0; i < std::min(length, kShown); ++i) {
    hex += fmt::format("{:02X}", static_cast<unsigned char>(data[i]));
  }
  return hex;
}

}  // namespace tributary
