// Logical column types shared by every reader and sink. A type is what the
// data means, not how a particular database spells it; readers map their
// native types onto these and sinks map these onto theirs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tributary {

// Exact decimals (precision <= 38) are stored as 128-bit scaled integers.
__extension__ typedef __int128 Int128;

enum class TypeId : uint8_t {
  kBool,
  kInt16,
  kInt32,
  kInt64,
  kFloat32,
  kFloat64,
  kDecimal,  // exact; precision <= 38 stored as __int128 scaled by `scale`
  kText,
  kBytes,
  kDate,         // days since 1970-01-01
  kTime,         // microseconds since midnight
  kTimestamp,    // microseconds since 1970-01-01 00:00, no time zone
  kTimestampTz,  // microseconds since the Unix epoch, UTC
  kInterval,     // months, days, microseconds
  kUuid,         // 16 bytes, big-endian as printed
  kJson,         // UTF-8 JSON text
};

struct DataType {
  TypeId id = TypeId::kText;
  uint8_t precision = 0;  // kDecimal only, 1..38
  uint8_t scale = 0;      // kDecimal only, <= precision

  static DataType Decimal(int precision, int scale);
  bool operator==(const DataType&) const = default;
};

// "bigint", "decimal(18,2)", ... (the names used in docs and errors).
std::string TypeName(const DataType& type);
// Parses TypeName's output back; throws Error on an unknown name.
DataType ParseTypeName(std::string_view name);

// True when every value of `incoming` is a value of `existing` without loss:
// the same type, or a widening (integer → bigint, decimal(10,2) →
// decimal(12,2), real → double, json → text, …). Schema evolution uses it.
bool FitsInto(const DataType& incoming, const DataType& existing);

// True for types whose values are variable-length bytes (text, bytes, json).
bool IsVarLen(TypeId id);
// Width in bytes of one value of a fixed-width type; 0 for var-len types.
size_t FixedWidth(TypeId id);

// Infinite dates and timestamps (PostgreSQL's 'infinity' and '-infinity')
// are these sentinels, the same as DuckDB's: the largest value and its
// negation. Every other value is finite.
constexpr int32_t kDateInfinity = 2147483647;
constexpr int32_t kDateMinusInfinity = -kDateInfinity;
constexpr int64_t kTimestampInfinity = 9223372036854775807;
constexpr int64_t kTimestampMinusInfinity = -kTimestampInfinity;

struct Interval {
  int32_t months = 0;
  int32_t days = 0;
  int64_t micros = 0;
  bool operator==(const Interval&) const = default;
};

struct Uuid {
  uint8_t bytes[16] = {};
  bool operator==(const Uuid&) const = default;
};

struct Field {
  std::string name;
  DataType type;
  bool nullable = true;
  bool operator==(const Field&) const = default;
};

struct Schema {
  std::vector<Field> fields;

  // Index of the field named `name` (exact match), or -1.
  int IndexOf(std::string_view name) const;
  bool operator==(const Schema&) const = default;
};

}  // namespace tributary
