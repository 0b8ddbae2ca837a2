#include "data/value_text.h"

#include <fmt/format.h>

#include <chrono>
#include <cstring>
#include <optional>

#include "common/error.h"
#include "data/text_values.h"

namespace tributary {
namespace {

constexpr int64_t kMicrosPerDay = 86'400'000'000;

__extension__ typedef unsigned __int128 UInt128;

std::string DecimalText(Int128 value, int scale) {
  bool negative = value < 0;
  UInt128 magnitude = negative ? -static_cast<UInt128>(value) : static_cast<UInt128>(value);
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude != 0);
  if (scale > 0) {
    if (digits.size() <= static_cast<size_t>(scale)) {
      digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
    }
    digits.insert(digits.size() - static_cast<size_t>(scale), ".");
  }
  return negative ? "-" + digits : digits;
}

std::string DateText(int32_t days) {
  std::chrono::year_month_day ymd{std::chrono::sys_days(std::chrono::days(days))};
  // Years before 1 AD are astronomical and signed, as in ISO 8601: "-0043".
  int year = static_cast<int>(ymd.year());
  return fmt::format("{:0{}}-{:02}-{:02}", year, year < 0 ? 5 : 4,
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

std::string TimeText(int64_t micros) {
  int64_t s = micros / 1'000'000;
  return fmt::format("{:02}:{:02}:{:02}.{:06}", s / 3600, s / 60 % 60, s % 60, micros % 1'000'000);
}

std::string TimestampText(int64_t micros) {
  int64_t days = micros / kMicrosPerDay;
  int64_t rest = micros % kMicrosPerDay;
  if (rest < 0) {
    rest += kMicrosPerDay;
    --days;
  }
  return DateText(static_cast<int32_t>(days)) + " " + TimeText(rest);
}

std::string UuidText(const Uuid& u) {
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += fmt::format("{:02x}", u.bytes[i]);
  }
  return out;
}

std::string HexText(std::string_view bytes) {
  std::string out = "\\x";
  for (unsigned char c : bytes) out += fmt::format("{:02x}", c);
  return out;
}

template <class T>
int Order(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

[[noreturn]] void ThrowBadText(const DataType& type, std::string_view text) {
  throw Error(fmt::format("'{}' is not a valid {} value", text, TypeName(type)));
}

template <class T>
T Require(const std::optional<T>& value, const DataType& type, std::string_view text) {
  if (!value) ThrowBadText(type, text);
  return *value;
}

// 1 for "infinity", -1 for "-infinity", else 0.
int InfinitySign(std::string_view text) {
  if (text == "infinity") return 1;
  return text == "-infinity" ? -1 : 0;
}

std::optional<std::string> InfinityText(const Column& c, size_t row) {
  if (!IsInfinite(c, row)) return std::nullopt;
  bool positive = c.type().id == TypeId::kDate ? c.Get<int32_t>(row) > 0 : c.Get<int64_t>(row) > 0;
  return positive ? "infinity" : "-infinity";
}

}  // namespace

bool IsInfinite(const Column& c, size_t row) {
  switch (c.type().id) {
    case TypeId::kDate:
      return c.Get<int32_t>(row) == kDateInfinity || c.Get<int32_t>(row) == kDateMinusInfinity;
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      return c.Get<int64_t>(row) == kTimestampInfinity ||
             c.Get<int64_t>(row) == kTimestampMinusInfinity;
    default:
      return false;
  }
}

std::string ValueText(const Column& c, size_t row) {
  switch (c.type().id) {
    case TypeId::kBool:
      return c.Get<uint8_t>(row) != 0 ? "true" : "false";
    case TypeId::kInt16:
      return std::to_string(c.Get<int16_t>(row));
    case TypeId::kInt32:
      return std::to_string(c.Get<int32_t>(row));
    case TypeId::kInt64:
      return std::to_string(c.Get<int64_t>(row));
    case TypeId::kFloat32:
      return FormatDouble(static_cast<double>(c.Get<float>(row)));
    case TypeId::kFloat64:
      return FormatDouble(c.Get<double>(row));
    case TypeId::kDecimal:
      return DecimalText(c.Get<Int128>(row), c.type().scale);
    case TypeId::kDate:
      if (auto infinite = InfinityText(c, row)) return *infinite;
      return DateText(c.Get<int32_t>(row));
    case TypeId::kTime:
      return TimeText(c.Get<int64_t>(row));
    case TypeId::kTimestamp:
      if (auto infinite = InfinityText(c, row)) return *infinite;
      return TimestampText(c.Get<int64_t>(row));
    case TypeId::kTimestampTz:
      if (auto infinite = InfinityText(c, row)) return *infinite;
      return TimestampText(c.Get<int64_t>(row)) + "+00:00";
    case TypeId::kInterval: {
      auto i = c.Get<Interval>(row);
      return fmt::format("{} mons {} days {} us", i.months, i.days, i.micros);
    }
    case TypeId::kUuid:
      return UuidText(c.Get<Uuid>(row));
    case TypeId::kBytes:
      return HexText(c.GetBytes(row));
    case TypeId::kText:
    case TypeId::kJson:
      return std::string(c.GetBytes(row));
  }
  return "";
}

void AppendValueText(Column& c, std::string_view text) {
  const DataType& t = c.type();
  switch (t.id) {
    case TypeId::kBool:
      return c.Append<uint8_t>(Require(ParseBoolText(text), t, text) ? 1 : 0);
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64: {
      int64_t v = Require(ParseInt64Text(text), t, text);
      if (t.id == TypeId::kInt64) return c.Append<int64_t>(v);
      if (t.id == TypeId::kInt32 && v == static_cast<int32_t>(v)) {
        return c.Append<int32_t>(static_cast<int32_t>(v));
      }
      if (t.id == TypeId::kInt16 && v == static_cast<int16_t>(v)) {
        return c.Append<int16_t>(static_cast<int16_t>(v));
      }
      ThrowBadText(t, text);
    }
    case TypeId::kFloat32:
      return c.Append<float>(static_cast<float>(Require(ParseDoubleText(text), t, text)));
    case TypeId::kFloat64:
      return c.Append<double>(Require(ParseDoubleText(text), t, text));
    case TypeId::kDecimal:
      return c.Append<Int128>(Require(ParseDecimalText(text, t.precision, t.scale), t, text));
    case TypeId::kDate:
      if (int sign = InfinitySign(text)) return c.Append<int32_t>(sign * kDateInfinity);
      return c.Append<int32_t>(Require(ParseDateText(text), t, text));
    case TypeId::kTime:
      return c.Append<int64_t>(Require(ParseTimeText(text), t, text));
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      if (int sign = InfinitySign(text)) return c.Append<int64_t>(sign * kTimestampInfinity);
      return c.Append<int64_t>(Require(ParseTimestampText(text), t, text));
    case TypeId::kUuid:
      return c.Append<Uuid>(Require(ParseUuidText(text), t, text));
    case TypeId::kText:
    case TypeId::kJson:
      return c.AppendBytes(text);
    case TypeId::kBytes:
    case TypeId::kInterval:
      break;
  }
  throw Error(fmt::format("{} values cannot be read back from text", TypeName(t)));
}

int CompareValues(const Column& a, size_t i, const Column& b, size_t j) {
  switch (a.type().id) {
    case TypeId::kBool:
      return Order(a.Get<uint8_t>(i), b.Get<uint8_t>(j));
    case TypeId::kInt16:
      return Order(a.Get<int16_t>(i), b.Get<int16_t>(j));
    case TypeId::kInt32:
    case TypeId::kDate:
      return Order(a.Get<int32_t>(i), b.Get<int32_t>(j));
    case TypeId::kInt64:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      return Order(a.Get<int64_t>(i), b.Get<int64_t>(j));
    case TypeId::kFloat32:
      return Order(a.Get<float>(i), b.Get<float>(j));
    case TypeId::kFloat64:
      return Order(a.Get<double>(i), b.Get<double>(j));
    case TypeId::kDecimal:
      return Order(a.Get<Int128>(i), b.Get<Int128>(j));
    case TypeId::kUuid: {
      Uuid x = a.Get<Uuid>(i), y = b.Get<Uuid>(j);
      return std::memcmp(x.bytes, y.bytes, 16);
    }
    case TypeId::kText:
    case TypeId::kBytes:
    case TypeId::kJson:
      return a.GetBytes(i).compare(b.GetBytes(j));
    case TypeId::kInterval:
      break;
  }
  throw Error("interval values have no order");
}

bool IsWatermarkType(const DataType& type) {
  switch (type.id) {
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kDecimal:
    case TypeId::kDate:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      return true;
    default:
      return false;
  }
}

}  // namespace tributary
