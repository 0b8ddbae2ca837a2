// The load pipeline of one table: reader thread → bounded queue → sink.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "sink/sink.h"
#include "source/source.h"

namespace tributary {

// Live counters of one task, written by its sink thread and read by the
// progress display. Thread-safe.
class TaskProgress {
 public:
  void Add(int64_t rows, int64_t bytes) {
    rows_.fetch_add(rows, std::memory_order_relaxed);
    bytes_.fetch_add(bytes, std::memory_order_relaxed);
  }
  int64_t rows() const { return rows_.load(std::memory_order_relaxed); }
  int64_t bytes() const { return bytes_.load(std::memory_order_relaxed); }
  // Back to zero, for a load tried again from the start (the estimate stays).
  void Reset() {
    rows_.store(0, std::memory_order_relaxed);
    bytes_.store(0, std::memory_order_relaxed);
  }
  // The rows the load is expected to read (Source::EstimateRows); -1: none.
  void SetEstimate(int64_t rows) { estimate_.store(rows, std::memory_order_relaxed); }
  int64_t estimate() const { return estimate_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> rows_{0};
  std::atomic<int64_t> bytes_{0};
  std::atomic<int64_t> estimate_{-1};
};

struct LoadStats {
  int64_t rows = 0;
  int64_t bytes = 0;
};

// Streams every batch of `reader` into `writer` (does not commit). The reader
// runs on a thread of its own and the writer on the calling thread, joined by
// a queue of at most `queue_depth` batches, so at most queue_depth + 2
// batches are in memory at once. An exception on either side stops both and
// is rethrown here; `cancel` (optional) stops both with CancelledError.
LoadStats CopyAll(Reader& reader, TableWriter& writer, const BatchLimits& limits,
                  TaskProgress& progress, const std::atomic<bool>* cancel = nullptr,
                  size_t queue_depth = 4);

// Commits `transaction` with `state` (see LoadTransaction::Commit) and logs
// at debug level (--verbose) how long the commit took. Throws what Commit
// throws.
void CommitTimed(LoadTransaction& transaction, const std::optional<std::string>& state,
                 const std::string& task_id);

}  // namespace tributary
