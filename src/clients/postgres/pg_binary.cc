#include "clients/postgres/pg_binary.h"

#include <fmt/format.h>

#include <bit>
#include <cstring>

#include "clients/postgres/pg_array_json.h"
#include "clients/postgres/pg_numeric.h"
#include "clients/postgres/pg_wire.h"

namespace tributary {
namespace {

// PostgreSQL counts dates and timestamps from 2000-01-01, tributary from 1970.
constexpr int64_t kPgTimestampInfinity = INT64_MAX;
constexpr int64_t kPgTimestampMinusInfinity = INT64_MIN;
constexpr int32_t kPgDateInfinity = INT32_MAX;
constexpr int32_t kPgDateMinusInfinity = INT32_MIN;

void RequireSize(std::string_view bytes, size_t size, const PgValueType& type) {
  if (bytes.size() != size) {
    throw PgValueError(
        fmt::format("malformed {} value ({} bytes, expected {})", type.name, bytes.size(), size));
  }
}

}  // namespace

PgValueDecoder::PgValueDecoder(std::shared_ptr<const PgValueType> type) : type_(std::move(type)) {
  if (type_->wire == PgWire::kArray) array_ = std::make_unique<PgArrayJson>(type_->element);
}
PgValueDecoder::~PgValueDecoder() = default;
PgValueDecoder::PgValueDecoder(PgValueDecoder&&) noexcept = default;
PgValueDecoder& PgValueDecoder::operator=(PgValueDecoder&&) noexcept = default;

void PgValueDecoder::Append(std::string_view bytes, Column& out) {
  const char* p = bytes.data();
  switch (type_->wire) {
    case PgWire::kBool:
      RequireSize(bytes, 1, *type_);
      return out.Append<uint8_t>(p[0] != 0 ? 1 : 0);
    case PgWire::kInt2:
      RequireSize(bytes, 2, *type_);
      return out.Append<int16_t>(static_cast<int16_t>(ReadBigEndian<uint16_t>(p)));
    case PgWire::kInt4:
      RequireSize(bytes, 4, *type_);
      return out.Append<int32_t>(static_cast<int32_t>(ReadBigEndian<uint32_t>(p)));
    case PgWire::kInt8:
      RequireSize(bytes, 8, *type_);
      return out.Append<int64_t>(static_cast<int64_t>(ReadBigEndian<uint64_t>(p)));
    case PgWire::kOid:
      RequireSize(bytes, 4, *type_);
      return out.Append<int64_t>(ReadBigEndian<uint32_t>(p));
    case PgWire::kFloat4:
      RequireSize(bytes, 4, *type_);
      return out.Append<float>(std::bit_cast<float>(ReadBigEndian<uint32_t>(p)));
    case PgWire::kFloat8:
      RequireSize(bytes, 8, *type_);
      return out.Append<double>(std::bit_cast<double>(ReadBigEndian<uint64_t>(p)));
    case PgWire::kNumeric:
      return AppendNumeric(bytes, out);
    case PgWire::kText:
    case PgWire::kBytea:
      return out.AppendBytes(bytes);
    case PgWire::kJsonb:
      if (bytes.empty() || bytes[0] != 1) throw PgValueError("jsonb value of an unknown version");
      return out.AppendBytes(bytes.substr(1));
    case PgWire::kDate:
      return AppendDate(bytes, out);
    case PgWire::kTime:
      RequireSize(bytes, 8, *type_);
      return out.Append<int64_t>(static_cast<int64_t>(ReadBigEndian<uint64_t>(p)));
    case PgWire::kTimestamp:
      return AppendTimestamp(bytes, out);
    case PgWire::kInterval:
      return AppendInterval(bytes, out);
    case PgWire::kUuid: {
      RequireSize(bytes, 16, *type_);
      Uuid u;
      std::memcpy(u.bytes, p, 16);
      return out.Append<Uuid>(u);
    }
    case PgWire::kArray:
      return AppendArray(bytes, out);
    case PgWire::kUnsupported:
      break;
  }
  throw PgValueError(fmt::format("type {} cannot be decoded", type_->name));
}

void PgValueDecoder::AppendTimestamp(std::string_view bytes, Column& out) const {
  RequireSize(bytes, 8, *type_);
  auto v = static_cast<int64_t>(ReadBigEndian<uint64_t>(bytes.data()));
  if (v == kPgTimestampInfinity) return out.Append<int64_t>(kTimestampInfinity);
  if (v == kPgTimestampMinusInfinity) return out.Append<int64_t>(kTimestampMinusInfinity);
  // PostgreSQL's range ends in 294276 AD, ours (µs since 1970 in 64 bits) in
  // 294247 AD; the sentinel itself is not a finite value either.
  if (v >= kTimestampInfinity - kPgEpochMicros) {
    throw PgValueError(
        fmt::format("{} value after 294246 AD cannot be represented (the limit of 64-bit "
                    "microseconds since 1970); cast it in a query",
                    type_->name));
  }
  out.Append<int64_t>(v + kPgEpochMicros);
}

void PgValueDecoder::AppendDate(std::string_view bytes, Column& out) const {
  RequireSize(bytes, 4, *type_);
  auto v = static_cast<int32_t>(ReadBigEndian<uint32_t>(bytes.data()));
  if (v == kPgDateInfinity) return out.Append<int32_t>(kDateInfinity);
  if (v == kPgDateMinusInfinity) return out.Append<int32_t>(kDateMinusInfinity);
  // PostgreSQL's dates (4713 BC … 5874897 AD) all fit after the shift.
  out.Append<int32_t>(v + kPgEpochDays);
}

void PgValueDecoder::AppendInterval(std::string_view bytes, Column& out) const {
  RequireSize(bytes, 16, *type_);
  Interval i;
  i.micros = static_cast<int64_t>(ReadBigEndian<uint64_t>(bytes.data()));
  i.days = static_cast<int32_t>(ReadBigEndian<uint32_t>(bytes.data() + 8));
  i.months = static_cast<int32_t>(ReadBigEndian<uint32_t>(bytes.data() + 12));
  // PostgreSQL 17's infinite intervals: every field at its extreme.
  bool infinite = (i.months == INT32_MAX && i.days == INT32_MAX && i.micros == INT64_MAX) ||
                  (i.months == INT32_MIN && i.days == INT32_MIN && i.micros == INT64_MIN);
  if (infinite)
    throw PgValueError("an infinite interval cannot be represented; cast it in a query");
  out.Append<Interval>(i);
}

void PgValueDecoder::AppendNumeric(std::string_view bytes, Column& out) {
  PgNumeric n = ParsePgNumeric(bytes);
  const DataType& t = out.type();
  if (t.id == TypeId::kDecimal)
    return out.Append<Int128>(PgNumericToDecimal(n, t.precision, t.scale));
  text_.clear();
  AppendPgNumericText(n, text_);
  out.AppendBytes(text_);
}

void PgValueDecoder::AppendArray(std::string_view bytes, Column& out) {
  text_.clear();
  array_->Append(bytes, text_);
  out.AppendBytes(text_);
}

}  // namespace tributary
