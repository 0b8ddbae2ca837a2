#include "strategy/watermark.h"

#include <fmt/format.h>

#include <limits>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "data/text_values.h"
#include "data/value_text.h"

namespace tributary {
namespace {

constexpr int64_t kMicrosPerDay = 86'400'000'000;

// v clamped into the range of `T`, so a lookback never wraps around.
template <class T>
T Clamped(Int128 v) {
  Int128 lo = std::numeric_limits<T>::min(), hi = std::numeric_limits<T>::max();
  return static_cast<T>(v < lo ? lo : (v > hi ? hi : v));
}

// A number lookback as a value of `type`'s integer representation.
Int128 NumberLookback(const DataType& type, std::string_view number) {
  int scale = type.id == TypeId::kDecimal ? type.scale : 0;
  auto scaled = ParseDecimalText(number, 38, scale);
  if (!scaled || (type.id != TypeId::kDecimal && number.find('.') != std::string_view::npos)) {
    throw Error(
        fmt::format("lookback {} does not suit a {} watermark column", number, TypeName(type)));
  }
  return *scaled;
}

bool IsPlusInfinity(const Column& c, size_t row) {
  return c.type().id == TypeId::kDate ? c.Get<int32_t>(row) == kDateInfinity
                                      : c.Get<int64_t>(row) == kTimestampInfinity;
}

}  // namespace

std::string WatermarkState::ToJson() const {
  nlohmann::ordered_json j;
  j["strategy"] = "incremental";
  j["column"] = column;
  j["type"] = TypeName(type);
  j["watermark"] = value;
  if (boundary) {
    j["boundary"] = {{"rows", boundary->rows}, {"digest", fmt::format("{:016x}", boundary->sum)}};
  }
  return j.dump();
}

WatermarkState WatermarkState::FromJson(std::string_view json, const std::string& task) {
  try {
    auto j = nlohmann::json::parse(json);
    WatermarkState state;
    state.column = j.at("column").get<std::string>();
    state.type = ParseTypeName(j.at("type").get<std::string>());
    state.value = j.at("watermark").get<std::string>();
    if (j.contains("boundary")) {
      const auto& b = j.at("boundary");
      state.boundary = RowDigest{b.at("rows").get<int64_t>(),
                                 std::stoull(b.at("digest").get<std::string>(), nullptr, 16)};
    }
    return state;
  } catch (const std::exception& e) {
    throw Error(fmt::format(
        "task '{}': the stored state is not an incremental watermark ({}); if the table's "
        "strategy changed, reload it with `tributary run --full-refresh --tables {}`",
        task, e.what(), task));
  }
}

std::string SubtractLookback(const DataType& type, std::string_view value,
                             const Lookback& lookback) {
  Column c(type);
  AppendValueText(c, value);
  Column out(type);
  bool time =
      type.id == TypeId::kTimestamp || type.id == TypeId::kTimestampTz || type.id == TypeId::kDate;
  if (time != lookback.is_duration) {
    throw Error(fmt::format("lookback {} does not suit a {} watermark column: use {}",
                            lookback.is_duration ? "(a duration)" : lookback.number, TypeName(type),
                            time ? "a duration such as 15m" : "a number"));
  }
  switch (type.id) {
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      out.Append<int64_t>(c.Get<int64_t>(0) - lookback.micros);
      break;
    case TypeId::kDate:
      out.Append<int32_t>(
          c.Get<int32_t>(0) -
          static_cast<int32_t>((lookback.micros + kMicrosPerDay - 1) / kMicrosPerDay));
      break;
    case TypeId::kInt16:
      out.Append<int16_t>(
          Clamped<int16_t>(c.Get<int16_t>(0) - NumberLookback(type, lookback.number)));
      break;
    case TypeId::kInt32:
      out.Append<int32_t>(
          Clamped<int32_t>(c.Get<int32_t>(0) - NumberLookback(type, lookback.number)));
      break;
    case TypeId::kInt64:
      out.Append<int64_t>(
          Clamped<int64_t>(c.Get<int64_t>(0) - NumberLookback(type, lookback.number)));
      break;
    case TypeId::kDecimal:
      out.Append<Int128>(c.Get<Int128>(0) - NumberLookback(type, lookback.number));
      break;
    default:
      throw Error(fmt::format("{} is not a watermark type", TypeName(type)));
  }
  return ValueText(out, 0);
}

std::string MaxValueText(const DataType& type, const std::string& a, const std::string& b) {
  Column c(type);
  AppendValueText(c, a);
  AppendValueText(c, b);
  return CompareValues(c, 0, c, 1) >= 0 ? a : b;
}

WatermarkTracker::WatermarkTracker(TableWriter& inner, size_t index, const DataType& type,
                                   const std::string& from, const std::string& to,
                                   size_t hashed_columns)
    : inner_(inner),
      index_(index),
      hashed_columns_(hashed_columns),
      best_(type),
      bounds_(type),
      has_from_(!from.empty()),
      has_to_(!to.empty()) {
  if (has_from_) AppendValueText(bounds_, from);
  if (has_to_) AppendValueText(bounds_, to);
}

bool WatermarkTracker::InRange(const Column& c, size_t row) const {
  if (!has_from_ && !has_to_) return true;
  if (c.IsNull(row)) return false;
  if (has_from_ && CompareValues(c, row, bounds_, 0) < 0) return false;
  return !has_to_ || CompareValues(c, row, bounds_, has_from_ ? 1 : 0) < 0;
}

void WatermarkTracker::Write(const Batch& batch) {
  const Column& c = batch.column(index_);
  std::optional<size_t> top;
  std::vector<size_t> kept;
  for (size_t row = 0; row < c.size(); ++row) {
    if (!InRange(c, row)) continue;
    kept.push_back(row);
    if (c.IsNull(row)) continue;
    if (IsInfinite(c, row)) {
      if (IsPlusInfinity(c, row)) infinite_.Add(RowHash(batch, row, hashed_columns_));
      continue;
    }
    if (!top || CompareValues(c, row, c, *top) > 0) top = row;
  }
  if (top) TrackTop(batch, kept, *top);
  kept_ += static_cast<int64_t>(kept.size());
  if (kept.size() == batch.num_rows()) return inner_.Write(batch);
  dropped_ += static_cast<int64_t>(batch.num_rows() - kept.size());
  Batch exact(batch.shared_schema());
  for (size_t col = 0; col < batch.num_columns(); ++col) {
    for (size_t row : kept) exact.column(col).AppendFrom(batch.column(col), row);
  }
  inner_.Write(exact);
}

// Only rows equal to the batch's largest value can be at the overall largest
// one, so only they are hashed (in an ascending stream, about one a batch).
void WatermarkTracker::TrackTop(const Batch& batch, const std::vector<size_t>& kept, size_t top) {
  const Column& c = batch.column(index_);
  int order = best_.size() == 0 ? 1 : CompareValues(c, top, best_, 0);
  if (order < 0) return;
  if (order > 0) {
    best_.Clear();
    best_.AppendFrom(c, top);
    at_max_ = RowDigest{};
  }
  for (size_t row : kept) {
    if (!c.IsNull(row) && !IsInfinite(c, row) && CompareValues(c, row, c, top) == 0) {
      at_max_.Add(RowHash(batch, row, hashed_columns_));
    }
  }
}

RowDigest WatermarkTracker::boundary() const {
  RowDigest all = at_max_;
  all.Add(infinite_);
  return all;
}

std::optional<std::string> WatermarkTracker::max() const {
  if (best_.size() == 0) return std::nullopt;
  return ValueText(best_, 0);
}

}  // namespace tributary
