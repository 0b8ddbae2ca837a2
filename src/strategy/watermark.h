// Watermarks of the incremental strategy: the state stored with the data,
// the lookback arithmetic, and the writer that sees the largest value loaded.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/lookback.h"
#include "data/batch.h"
#include "data/row_digest.h"
#include "sink/sink.h"

namespace tributary {

// What an incremental task commits with its data, as JSON:
// {"strategy":"incremental","column":"updated_at","type":"timestamp",
//  "watermark":"2026-11-25 13:00:00.000000",
//  "boundary":{"rows":3,"digest":"9c0e…"}}.
struct WatermarkState {
  std::string column;
  DataType type;
  std::string value;  // canonical text (source/value_text.h)
  // The rows the next run re-reads if nothing changed: those at the
  // watermark and at +infinity, as landed by the run that stored it. Absent
  // when that run did not read them all (a backfill of an older range).
  std::optional<RowDigest> boundary;

  std::string ToJson() const;
  // Throws Error naming the task when `json` is not a watermark state.
  static WatermarkState FromJson(std::string_view json, const std::string& task);
};

// `value` moved back by `lookback`, in canonical text. Throws Error when the
// lookback does not suit the type (a duration for an integer column, …).
std::string SubtractLookback(const DataType& type, std::string_view value,
                             const Lookback& lookback);

// The larger of two canonical values of `type`.
std::string MaxValueText(const DataType& type, const std::string& a, const std::string& b);

// Forwards batches to `inner`, keeping only the rows whose column `index` is
// in [from, to) (canonical text; an empty bound is unbounded; when either is
// set, NULLs are dropped too), and remembers the largest finite value
// forwarded: ±infinity is no position to resume from (+infinity would hide
// every later row), so rows at +infinity fall in every later window instead.
// Sources may select a superset of a range (Dialect::RangePredicate); this
// makes the cut exact on typed values. The boundary digest covers a row's
// first `hashed_columns` values: the source's, not the load metadata columns
// stamped after them (which differ on every run). Not thread-safe.
class WatermarkTracker final : public TableWriter {
 public:
  WatermarkTracker(TableWriter& inner, size_t index, const DataType& type,
                   const std::string& from = "", const std::string& to = "",
                   size_t hashed_columns = SIZE_MAX);
  void Write(const Batch& batch) override;
  // The largest finite value written, in canonical text; nullopt if none.
  std::optional<std::string> max() const;
  int64_t rows_dropped() const { return dropped_; }
  int64_t rows_kept() const { return kept_; }
  // The rows forwarded at max() and at +infinity.
  RowDigest boundary() const;

 private:
  bool InRange(const Column& c, size_t row) const;
  void TrackTop(const Batch& batch, const std::vector<size_t>& kept, size_t top);

  TableWriter& inner_;
  size_t index_;
  size_t hashed_columns_;
  Column best_;    // empty, or the one largest value so far
  Column bounds_;  // the parsed `from` and/or `to`
  bool has_from_ = false;
  bool has_to_ = false;
  int64_t dropped_ = 0;
  int64_t kept_ = 0;
  RowDigest at_max_;    // rows equal to best_
  RowDigest infinite_;  // rows at +infinity
};

}  // namespace tributary
