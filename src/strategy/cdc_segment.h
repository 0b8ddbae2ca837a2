// One sink transaction of a `cdc` task: history rows appended to the history
// table and, with `current: true`, the current-state table maintained from
// the same rows (upsert per key, deletes applied), committed together with
// the task's state.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sink/sink.h"
#include "source/cdc_reader.h"

namespace tributary {

// Where a task's history and current state live.
struct CdcTables {
  std::string history;
  std::optional<std::string> current;  // set with `current: true`
  std::vector<std::string> key;        // the current table's key
};

// The current-state table's name for a history table.
std::string CurrentTableName(const std::string& history);

// How a segment treats the current-state table.
enum class CurrentMode {
  kMerge,    // keep what is there; upsert and delete by key
  kReplace,  // a snapshot: the table becomes exactly the rows written
  kEmptied,  // after a truncate: delete every row first, then merge
};

// Not thread-safe.
class CdcSegment {
 public:
  // Begins the sink transaction; the tables are opened with `history_schema`
  // (HistorySchema of the captured columns), followed by `_run_id` holding
  // `run_id` when it is not empty (load_metadata). `opened_at`: the position
  // it starts at (for kEmptied, the truncating transaction's).
  CdcSegment(Sink& sink, const std::string& task_id, const CdcTables& tables,
             std::shared_ptr<const Schema> history_schema, CurrentMode mode,
             std::string opened_at = "", std::string run_id = "");

  // Writes rows [begin, end) of `batch`. Rows of the transaction at
  // `skip_lsn` with `_seq` < `skip_below` are kept out of the current table
  // (they precede a truncate in their own transaction).
  void Write(const Batch& batch, size_t begin, size_t end, const std::string& skip_lsn = "",
             int64_t skip_below = 0);
  void Commit(const std::string& state);

  int64_t rows() const { return rows_; }
  CurrentMode mode() const { return mode_; }
  const std::string& opened_at() const { return opened_at_; }
  // Rows of the transaction at `lsn` already written to the current table.
  int64_t CurrentRowsAt(const std::string& lsn) const {
    return lsn == last_current_lsn_ ? current_rows_at_last_ : 0;
  }

 private:
  Batch CurrentRows(const Batch& batch, size_t begin, size_t end, const std::string& skip_lsn,
                    int64_t skip_below);
  // Rows [begin, end) of `batch` with `_run_id` after them.
  Batch StampedHistory(const Batch& batch, size_t begin, size_t end) const;

  std::string task_id_;
  std::string run_id_;
  std::unique_ptr<LoadTransaction> txn_;
  TableWriter* history_ = nullptr;
  TableWriter* current_ = nullptr;
  std::shared_ptr<const Schema> history_schema_;  // as written: with `_run_id` when stamped
  std::shared_ptr<const Schema> current_schema_;
  CurrentMode mode_;
  std::string opened_at_;
  int64_t rows_ = 0;
  std::string last_current_lsn_;
  int64_t current_rows_at_last_ = 0;
};

// A TableWriter over a segment, for the snapshot pipeline (CopyAll).
class CdcSegmentWriter final : public TableWriter {
 public:
  explicit CdcSegmentWriter(CdcSegment& segment) : segment_(segment) {}
  void Write(const Batch& batch) override { segment_.Write(batch, 0, batch.num_rows()); }

 private:
  CdcSegment& segment_;
};

}  // namespace tributary
