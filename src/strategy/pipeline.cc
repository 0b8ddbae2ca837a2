#include "strategy/pipeline.h"

#include <chrono>
#include <exception>
#include <thread>

#include "common/bounded_queue.h"
#include "common/error.h"
#include "common/log.h"
#include "common/thread_name.h"

namespace tributary {
namespace {

using Steady = std::chrono::steady_clock;

double MillisSince(Steady::time_point start) {
  return std::chrono::duration<double, std::milli>(Steady::now() - start).count();
}

bool Cancelled(const std::atomic<bool>* cancel) {
  return cancel != nullptr && cancel->load(std::memory_order_relaxed);
}

// Reads all batches into `queue`; records the first failure in `error`.
void ReadAll(Reader& reader, const BatchLimits& limits, BoundedQueue<Batch>& queue,
             const std::atomic<bool>* cancel, std::exception_ptr& error) {
  try {
    while (!Cancelled(cancel)) {
      Batch batch(reader.schema());
      if (!reader.Next(batch, limits)) break;
      if (!queue.Push(std::move(batch))) return;  // writer side gave up
    }
    queue.Close();
  } catch (...) {
    error = std::current_exception();
    queue.Cancel();
  }
}

}  // namespace

LoadStats CopyAll(Reader& reader, TableWriter& writer, const BatchLimits& limits,
                  TaskProgress& progress, const std::atomic<bool>* cancel, size_t queue_depth) {
  BoundedQueue<Batch> queue(queue_depth);
  std::exception_ptr read_error;
  std::thread producer([&, log_fields = CurrentLogFields()] {
    LogScope scope(log_fields);
    NameThisThread("read");
    ReadAll(reader, limits, queue, cancel, read_error);
  });
  LoadStats stats;
  try {
    bool verbose = LogEnabled(LogLevel::kDebug);
    while (auto batch = queue.Pop()) {
      Steady::time_point start = verbose ? Steady::now() : Steady::time_point{};
      writer.Write(*batch);
      int64_t bytes = static_cast<int64_t>(batch->ByteSize());
      int64_t rows = static_cast<int64_t>(batch->num_rows());
      if (verbose) {
        Log(LogLevel::kDebug, "batch written",
            {{"rows", rows}, {"bytes", bytes}, {"write_ms", MillisSince(start)}});
      }
      stats.rows += rows;
      stats.bytes += bytes;
      progress.Add(rows, bytes);
      if (Cancelled(cancel)) break;
    }
  } catch (...) {
    queue.Cancel();
    producer.join();
    throw;
  }
  queue.Cancel();  // no-op when drained; stops the reader when cancelled
  producer.join();
  if (read_error) std::rethrow_exception(read_error);
  if (Cancelled(cancel)) throw CancelledError("load cancelled: tributary is shutting down");
  return stats;
}

void CommitTimed(LoadTransaction& transaction, const std::optional<std::string>& state,
                 const std::string& task_id) {
  Steady::time_point start = Steady::now();
  transaction.Commit(state);
  if (LogEnabled(LogLevel::kDebug)) {
    Log(LogLevel::kDebug, "committed", {{"task", task_id}, {"commit_ms", MillisSince(start)}});
  }
}

}  // namespace tributary
