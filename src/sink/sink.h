// The sink side: where bronze lives. A Sink creates tables from a schema,
// loads them through a TableWriter, and keeps each task's state (watermarks,
// log positions), committed atomically with the data. Run bookkeeping is the
// sink's RunLog (sink/run_log.h); optional abilities are small interfaces
// reached through the sink (maintenance()), never casts to a concrete sink.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "data/batch.h"
#include "sink/run_log.h"

namespace tributary {

enum class WriteMode {
  kReplace,  // the table becomes exactly what was written, atomically
  kAppend,   // rows are added to what is there
  kMerge,    // rows replace the sink rows with the same key; new keys are added
};

// Before writing, delete the sink rows whose `column` >= `from` and < `to`
// (values in canonical text form, data/value_text.h, of the column's type;
// an empty bound is unbounded). An
// incremental load re-reads that window from the source, so deleting it
// first makes the load exact and idempotent: rows at the boundary are
// neither lost nor duplicated.
struct DeleteWindow {
  std::string column;
  std::string from;
  std::string to = {};
};

// How one table of a load is written. Schema evolution, the same for every
// sink: on kAppend/kMerge a new column is added; a column the batches lack
// stays, NULL for the new rows; a column whose type widened (integer →
// bigint, decimal(10,2) → decimal(12,2), real → double, …) is widened; any
// other type change is a SinkError naming table, column and both types.
// kReplace replaces rows and schema at once.
struct LoadSpec {
  std::string table;  // sink table name (inside the sink's bronze schema)
  Schema schema;      // the shape of the batches that will be written
  WriteMode mode = WriteMode::kReplace;
  std::vector<std::string> key = {};  // kMerge: the primary-key columns
  // kMerge, optional: a boolean column of the batches; a row where it is true
  // deletes its key instead of upserting it. The column is not stored.
  std::string delete_marker = {};
  std::optional<DeleteWindow> delete_window = {};  // kAppend / kMerge
  std::vector<std::string> partition_by = {};  // sinks that partition files (Delta); others ignore
  std::map<std::string, std::string> properties =
      {};  // table properties, e.g. delta.logRetentionDuration
  // kReplace: keep the table's columns the batches lack, as NULL columns
  // after theirs (schema_evolution.h); false drops them.
  bool keep_dropped_columns = true;
};

// Writes one table of a LoadTransaction. Within one transaction and table,
// rows keep the order they were written in (for kMerge: the last row written
// for a key wins). Not thread-safe.
class TableWriter {
 public:
  virtual ~TableWriter() = default;
  // REQUIRES: batch.schema() equals the LoadSpec schema.
  virtual void Write(const Batch& batch) = 0;
};

// One task's atomic unit of work on the sink: one or more tables and the
// task's state. Nothing is visible to readers of the sink until Commit();
// destroying an uncommitted transaction rolls everything back, and a crash at
// any point leaves the old tables with the old state or the new with the new.
// Not thread-safe; used by the sink thread of one task.
class LoadTransaction {
 public:
  virtual ~LoadTransaction() = default;
  // Starts writing a table. The writer is owned by the transaction and valid
  // until Commit() or destruction. Throws SinkError (e.g. an incompatible
  // schema change).
  virtual TableWriter& Open(const LoadSpec& spec) = 0;
  // Publishes every table's rows and the task's new `state` in one atomic
  // step. A nullopt state leaves the stored state as it was.
  virtual void Commit(const std::optional<std::string>& state) = 0;
};

// What compacting one table did.
struct CompactResult {
  int64_t files_before = 0;  // live files before
  int64_t files_after = 0;   // live files after
  int64_t files_rewritten = 0;
  int64_t bytes_rewritten = 0;
};

struct VacuumOptions {
  bool dry_run = false;    // report what would be deleted, delete nothing
  int64_t retain_ms = -1;  // -1: the table's delta.deletedFileRetentionDuration (default 7 days)
};

struct VacuumResult {
  int64_t files_deleted = 0;  // data files no live version needs (or would be, on a dry run)
  int64_t bytes_deleted = 0;
  int64_t log_files_deleted = 0;     // commits and checkpoints past delta.logRetentionDuration
  int64_t files_kept = 0;            // data files still referenced or inside the retention
  std::vector<std::string> deleted;  // keys, for --dry-run listings
};

// A sink whose tables are files it manages itself: small files from frequent
// loads can be rewritten into fewer, larger ones (`tributary compact`), and
// files no version needs any more removed (`tributary vacuum`). Thread-safe.
class TableMaintenance {
 public:
  virtual ~TableMaintenance() = default;
  // Rewrites the small data files of sink table `table` into files of about
  // `target_file_bytes` (0: the sink's target). nullopt when the table does
  // not exist; throws SinkError when it cannot compact now (e.g. the table is
  // being loaded), leaving the table as it was.
  virtual std::optional<CompactResult> Compact(const std::string& table,
                                               int64_t target_file_bytes) = 0;
  // Deletes the data files of sink table `table` that no live version
  // references once they are older than the retention, and log files past
  // the log retention that a newer checkpoint makes unnecessary. nullopt when
  // the table does not exist; throws SinkError when the table is being loaded.
  virtual std::optional<VacuumResult> Vacuum(const std::string& table,
                                             const VacuumOptions& options) = 0;
  // Vacuums the sink's own record tables (run history), which collect
  // compacted-away files as fast as runs happen; each with its name.
  virtual std::vector<std::pair<std::string, VacuumResult>> VacuumRecords(
      const VacuumOptions& options) {
    (void)options;
    return {};
  }
};

// Which rows LatestValues::Latest reads: for each of `keys` (values of the
// `key` columns in canonical text, data/value_text.h), the values of
// `columns` in the key's newest row of `table` — the row with the greatest
// `order_by` columns (in order) among those whose `filter_column` is one of
// `filter_values`; with no order_by, the key's one row.
struct LatestRequest {
  std::string table;
  std::vector<std::string> key;
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> keys;
  std::vector<std::string> order_by = {};
  std::string filter_column = {};
  std::vector<std::string> filter_values = {};
};

// Key values as the sink renders them → `columns` as the sink renders them
// (nullopt: NULL). Text and json values are rendered exactly.
using LatestRows = std::map<std::vector<std::string>, std::vector<std::optional<std::string>>>;

// Reads back the last values landed for some keys: a cdc run fills a large
// value the source left out of a change because it did not change
// (docs/cdc.md, "Large values"). Reads what is committed. Thread-safe.
class LatestValues {
 public:
  virtual ~LatestValues() = default;
  // Keys not found, or a table that does not exist, are absent from the
  // result. Throws SinkError.
  virtual LatestRows Latest(const LatestRequest& request) = 0;
};

// What `tributary check` found when it opened the sink as a run would.
struct SinkCheck {
  bool busy = false;    // another process holds it now (a warning: runs wait for it)
  std::string message;  // what was checked, or who holds it
};

// Thread-safe: tasks running in parallel share one Sink.
class Sink {
 public:
  virtual ~Sink() = default;
  // Starts a load transaction for `task_id` (whose state Commit() stores).
  virtual std::unique_ptr<LoadTransaction> Begin(const std::string& task_id) = 0;
  // The state last committed for `task_id`, if any.
  virtual std::optional<std::string> ReadState(const std::string& task_id) = 0;
  // Columns and row count of a sink table, for tests and `status`; nullopt
  // when the table does not exist.
  virtual std::optional<Schema> DescribeTable(const std::string& table) = 0;
  // The largest value of `column` in `table`, in canonical text
  // (data/value_text.h); nullopt when the table is empty or the column all
  // NULL. Lets an incremental task adopt a table loaded before it had state.
  virtual std::optional<std::string> ColumnMax(const std::string& table,
                                               const std::string& column) = 0;
  // The number of rows in sink table `table`, cheaply (no scan of a big
  // table; PostgreSQL's estimate above a million rows); nullopt when the table
  // does not exist or the sink cannot tell. The runner records it in the
  // task's result after each load.
  virtual std::optional<int64_t> TableRows(const std::string& table) {
    (void)table;
    return std::nullopt;
  }
  virtual std::string Describe() const = 0;
  // The sink's stable identity (sink_identity.h): created on the first call
  // and stored in the sink, the same for every process and run using it
  // afterwards. Throws SinkError.
  virtual std::string Identity() = 0;
  // Where this sink records runs and task results (in the sink itself, so a
  // run's record is as durable as its data).
  virtual RunLog& run_log() = 0;
  // nullptr when the sink manages no files of its own (nothing to compact or vacuum).
  virtual TableMaintenance* maintenance() { return nullptr; }
  // nullptr when the sink cannot read back landed values by key.
  virtual LatestValues* latest_values() { return nullptr; }
};

}  // namespace tributary
