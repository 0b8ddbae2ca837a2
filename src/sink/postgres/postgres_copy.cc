#include "sink/postgres/postgres_copy.h"

#include <fmt/format.h>

#include <bit>
#include <cstring>
#include <nlohmann/json.hpp>

#include "clients/postgres/pg_wire.h"
#include "common/error.h"
#include "data/utf8.h"

namespace tributary {
namespace {

__extension__ typedef unsigned __int128 UInt128;

template <class T>
void Put(std::string& out, T value) {
  using U = std::make_unsigned_t<T>;
  U v = static_cast<U>(value);
  char bytes[sizeof(T)];
  for (size_t i = 0; i < sizeof(T); ++i) {
    bytes[sizeof(T) - 1 - i] = static_cast<char>(v & 0xFF);
    v = static_cast<U>(v >> 8);
  }
  out.append(bytes, sizeof(T));
}

void PutLength(std::string& out, size_t n) { Put<int32_t>(out, static_cast<int32_t>(n)); }

Int128 Pow10(int n) {
  Int128 v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}

// A column value as an exact integer scaled to `scale` (for numeric targets).
Int128 ScaledExact(const Column& c, size_t row, int scale) {
  switch (c.type().id) {
    case TypeId::kInt16:
      return Int128{c.Get<int16_t>(row)} * Pow10(scale);
    case TypeId::kInt32:
      return Int128{c.Get<int32_t>(row)} * Pow10(scale);
    case TypeId::kInt64:
      return Int128{c.Get<int64_t>(row)} * Pow10(scale);
    default:
      return c.Get<Int128>(row) * Pow10(scale - c.type().scale);
  }
}

int64_t AsInt64(const Column& c, size_t row) {
  switch (c.type().id) {
    case TypeId::kInt16:
      return c.Get<int16_t>(row);
    case TypeId::kInt32:
      return c.Get<int32_t>(row);
    default:
      return c.Get<int64_t>(row);
  }
}

double AsDouble(const Column& c, size_t row) {
  switch (c.type().id) {
    case TypeId::kFloat32:
      return c.Get<float>(row);
    case TypeId::kFloat64:
      return c.Get<double>(row);
    default:
      return static_cast<double>(AsInt64(c, row));
  }
}

}  // namespace

std::string PgNumericBinary(Int128 value, int scale, int dscale) {
  bool negative = value < 0;
  UInt128 magnitude = negative ? -static_cast<UInt128>(value) : static_cast<UInt128>(value);
  for (int i = scale; i < dscale; ++i) magnitude *= 10;
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude != 0);
  if (digits.size() <= static_cast<size_t>(dscale))
    digits.insert(0, dscale + 1 - digits.size(), '0');
  std::string integral = digits.substr(0, digits.size() - dscale);
  std::string fraction = digits.substr(digits.size() - dscale);
  integral.insert(0, (4 - integral.size() % 4) % 4, '0');
  fraction.append((4 - fraction.size() % 4) % 4, '0');
  std::vector<int16_t> groups;
  for (size_t i = 0; i < integral.size(); i += 4)
    groups.push_back(std::stoi(integral.substr(i, 4)));
  for (size_t i = 0; i < fraction.size(); i += 4)
    groups.push_back(std::stoi(fraction.substr(i, 4)));
  int weight = static_cast<int>(integral.size() / 4) - 1;
  size_t first = 0;
  while (first < groups.size() && groups[first] == 0) {
    ++first;
    --weight;
  }
  size_t last = groups.size();
  while (last > first && groups[last - 1] == 0) --last;
  std::string out;
  if (first == last) {  // zero
    weight = 0;
    negative = false;
  }
  Put<int16_t>(out, static_cast<int16_t>(last - first));
  Put<int16_t>(out, static_cast<int16_t>(weight));
  Put<uint16_t>(out, negative ? 0x4000 : 0x0000);
  Put<uint16_t>(out, static_cast<uint16_t>(dscale));
  for (size_t i = first; i < last; ++i) Put<int16_t>(out, groups[i]);
  return out;
}

PgCopyEncoder::PgCopyEncoder(std::vector<DataType> targets, std::string table)
    : targets_(std::move(targets)), table_(std::move(table)) {}

std::string PgCopyEncoder::Encode(const Batch& batch) {
  out_.clear();
  out_.append("PGCOPY\n\377\r\n\0", 11);
  Put<int32_t>(out_, 0);  // flags
  Put<int32_t>(out_, 0);  // header extension length
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    Put<int16_t>(out_, static_cast<int16_t>(batch.num_columns()));
    for (size_t col = 0; col < batch.num_columns(); ++col) Field(batch.column(col), col, row);
  }
  Put<int16_t>(out_, -1);
  rows_done_ += batch.num_rows();
  return std::move(out_);
}

void PgCopyEncoder::Field(const Column& c, size_t col, size_t row) {
  if (c.IsNull(row)) {
    Put<int32_t>(out_, -1);
    return;
  }
  const DataType& target = targets_[col];
  auto fail = [&](const char* why) {
    throw SinkError(
        fmt::format("table '{}' column {} row {}: {}", table_, col + 1, rows_done_ + row + 1, why));
  };
  switch (target.id) {
    case TypeId::kBool:
      PutLength(out_, 1);
      out_ += static_cast<char>(c.Get<uint8_t>(row) != 0 ? 1 : 0);
      return;
    case TypeId::kInt16:
      PutLength(out_, 2);
      return Put<int16_t>(out_, static_cast<int16_t>(AsInt64(c, row)));
    case TypeId::kInt32:
      PutLength(out_, 4);
      return Put<int32_t>(out_, static_cast<int32_t>(AsInt64(c, row)));
    case TypeId::kInt64:
      PutLength(out_, 8);
      return Put<int64_t>(out_, AsInt64(c, row));
    case TypeId::kFloat32:
      PutLength(out_, 4);
      return Put<uint32_t>(out_, std::bit_cast<uint32_t>(c.Get<float>(row)));
    case TypeId::kFloat64:
      PutLength(out_, 8);
      return Put<uint64_t>(out_, std::bit_cast<uint64_t>(AsDouble(c, row)));
    case TypeId::kDecimal: {
      std::string numeric =
          PgNumericBinary(ScaledExact(c, row, target.scale), target.scale, target.scale);
      PutLength(out_, numeric.size());
      out_ += numeric;
      return;
    }
    case TypeId::kDate:
      PutLength(out_, 4);
      return Put<int32_t>(out_, static_cast<int32_t>(c.Get<int32_t>(row) - kPgEpochDays));
    case TypeId::kTime:
      PutLength(out_, 8);
      return Put<int64_t>(out_, c.Get<int64_t>(row));
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      PutLength(out_, 8);
      return Put<int64_t>(out_, c.Get<int64_t>(row) - kPgEpochMicros);
    case TypeId::kInterval: {
      Interval i = c.Get<Interval>(row);
      PutLength(out_, 16);
      Put<int64_t>(out_, i.micros);
      Put<int32_t>(out_, i.days);
      return Put<int32_t>(out_, i.months);
    }
    case TypeId::kUuid: {
      Uuid u = c.Get<Uuid>(row);
      PutLength(out_, 16);
      out_.append(reinterpret_cast<const char*>(u.bytes), 16);
      return;
    }
    case TypeId::kBytes: {
      std::string_view v = c.GetBytes(row);
      PutLength(out_, v.size());
      out_ += v;
      return;
    }
    case TypeId::kText:
    case TypeId::kJson: {
      std::string_view v = c.GetBytes(row);
      if (!IsValidUtf8(v)) fail("text is not valid UTF-8");
      if (v.find('\0') != std::string_view::npos) fail("PostgreSQL text cannot hold a NUL byte");
      bool jsonb = target.id == TypeId::kJson;
      if (jsonb && !nlohmann::json::accept(v)) fail("text is not valid JSON");
      PutLength(out_, v.size() + (jsonb ? 1 : 0));
      if (jsonb) out_ += '\1';
      out_ += v;
      return;
    }
  }
}

}  // namespace tributary
