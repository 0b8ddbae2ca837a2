#include "sink/delta/delta_prune.h"

#include <chrono>
#include <regex>
#include <variant>

namespace tributary {
namespace {

using nlohmann::json;

// A value in a form that orders like the column: integers, text (bytewise;
// dates too, as YYYY-MM-DD), or timestamp microseconds.
using Key = std::variant<int64_t, std::string>;

bool Prunable(TypeId id) {
  switch (id) {
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kText:
    case TypeId::kDate:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      return true;
    default:
      return false;  // floats, decimals, …: never skipped (no exact bounds kept)
  }
}

std::optional<Key> KeyOf(const DataType& type, const std::string& text) {
  try {
    switch (type.id) {
      case TypeId::kInt16:
      case TypeId::kInt32:
      case TypeId::kInt64: {
        size_t used = 0;
        int64_t v = std::stoll(text, &used);
        if (used != text.size()) return std::nullopt;
        return v;
      }
      case TypeId::kTimestamp:
      case TypeId::kTimestampTz: {
        auto micros = ParseTimestampMicros(text);
        if (!micros) return std::nullopt;
        return *micros;
      }
      default:
        return text;
    }
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<std::string> TextAt(const json& object, const std::string& column) {
  if (!object.is_object() || !object.contains(column)) return std::nullopt;
  const json& v = object[column];
  if (v.is_null()) return std::nullopt;
  return v.is_string() ? v.get<std::string>() : v.dump();
}

// The upper bound of the real maximum: timestamp maxima are truncated to
// milliseconds in the log.
std::optional<Key> MaxKey(const FileBounds& b, const DataType& type) {
  if (!b.max) return std::nullopt;
  auto key = KeyOf(type, *b.max);
  if (key && (type.id == TypeId::kTimestamp || type.id == TypeId::kTimestampTz)) {
    key = std::get<int64_t>(*key) + 999;
  }
  return key;
}

bool AllNull(const FileBounds& b) {
  return b.null_count && b.num_records && *b.null_count == *b.num_records;
}

}  // namespace

FileBounds BoundsOf(const json& add, const std::string& column, bool partition_column) {
  FileBounds bounds;
  json stats = json::parse(add.value("stats", std::string("{}")), nullptr, false);
  if (!stats.is_discarded() && stats.contains("numRecords")) {
    bounds.num_records = stats["numRecords"].get<int64_t>();
  }
  if (partition_column) {
    const json& values = add.value("partitionValues", json::object());
    auto value = TextAt(values, column);
    if (value && value->empty()) value.reset();  // "" is null in Delta
    bounds.min = bounds.max = value;
    if (bounds.num_records) bounds.null_count = value ? 0 : *bounds.num_records;
    return bounds;
  }
  if (stats.is_discarded()) return bounds;
  bounds.min = TextAt(stats.value("minValues", json::object()), column);
  bounds.max = TextAt(stats.value("maxValues", json::object()), column);
  if (auto nulls = TextAt(stats.value("nullCount", json::object()), column)) {
    bounds.null_count = std::stoll(*nulls);
  }
  return bounds;
}

bool MayHoldAtLeast(const FileBounds& bounds, const DataType& type, const std::string& from) {
  if (AllNull(bounds)) return false;
  if (!Prunable(type.id)) return true;
  auto max = MaxKey(bounds, type);
  auto limit = KeyOf(type, from);
  if (!max || !limit) return true;
  return !(*max < *limit);
}

bool MayHoldBetween(const FileBounds& bounds, const DataType& type, const std::string& lo,
                    const std::string& hi) {
  if (!Prunable(type.id)) return true;
  auto low = KeyOf(type, lo);
  auto high = KeyOf(type, hi);
  if (!low || !high) return true;
  auto max = MaxKey(bounds, type);
  if (max && *max < *low) return false;
  auto min = bounds.min ? KeyOf(type, *bounds.min) : std::nullopt;
  if (min && *high < *min) return false;
  return true;
}

bool AllAtLeast(const FileBounds& bounds, const DataType& type, const std::string& from) {
  if (!Prunable(type.id) || !bounds.null_count || *bounds.null_count != 0) return false;
  if (type.id == TypeId::kText) return false;  // the minimum may be a cut prefix
  auto min = bounds.min ? KeyOf(type, *bounds.min) : std::nullopt;
  auto limit = KeyOf(type, from);
  return min && limit && !(*min < *limit);
}

std::optional<int64_t> ParseTimestampMicros(const std::string& text) {
  static const std::regex pattern(
      R"((-?\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)?)");
  std::smatch m;
  if (!std::regex_match(text, m, pattern)) return std::nullopt;
  using namespace std::chrono;
  year_month_day ymd{year(std::stoi(m[1])), month(static_cast<unsigned>(std::stoi(m[2]))),
                     day(static_cast<unsigned>(std::stoi(m[3])))};
  if (!ymd.ok()) return std::nullopt;
  int64_t days = sys_days(ymd).time_since_epoch().count();
  int64_t seconds =
      days * 86400 + std::stoll(m[4]) * 3600 + std::stoll(m[5]) * 60 + std::stoll(m[6]);
  std::string fraction = m[7].matched ? m[7].str() : "";
  fraction.resize(6, '0');
  int64_t micros = seconds * 1'000'000 + std::stoll(fraction.substr(0, 6));
  std::string zone = m[8].matched ? m[8].str() : "";
  if (!zone.empty() && zone != "Z") {
    int sign = zone[0] == '-' ? -1 : 1;
    std::string digits;
    for (char c : zone.substr(1)) {
      if (c != ':') digits += c;
    }
    digits.resize(4, '0');
    int64_t offset = (std::stoll(digits.substr(0, 2)) * 60 + std::stoll(digits.substr(2))) * 60;
    micros -= sign * offset * 1'000'000;
  }
  return micros;
}

}  // namespace tributary
