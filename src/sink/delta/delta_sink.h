// The Delta Lake sink: a root (a local directory, or a prefix in an S3 bucket
// or an Azure container, store/) holding one Delta table per sink table
// (<root>/<table>/_delta_log/…), readable by Spark, Databricks, DuckDB's
// delta extension and delta-rs, and tributary's own records under
// <root>/_tributary/: run history as Delta tables (runs, task_results), each
// task's state and commit journal (delta_journal.h), lock files (local roots).
// See docs/delta.md.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "clients/duckdb/duckdb_handles.h"
#include "common/clock.h"
#include "sink/delta/delta_compact.h"
#include "sink/delta/delta_storage.h"
#include "sink/sink.h"

namespace tributary {

struct DeltaSinkOptions {
  int64_t target_file_bytes = 128 << 20;  // rows staged before a data file is written
  bool timestamp_ntz = false;             // store `timestamp` as timestamp_ntz
  std::string memory_limit = "1GB";       // of the DuckDB engine that writes the files
  int threads = 0;                        // of that engine; 0: one per core
  std::map<std::string, std::string> table_properties;  // of every table; LoadSpec's win
};

class DeltaSink;

// A load's tables and state, committed per docs/delta.md: data files first,
// then the task journal, then one Delta commit per table carrying the txn
// action (appId = task, version = the task's commit number).
class DeltaLoadTransaction;

// Thread-safe. Tasks running in parallel get their own DuckDB connection and
// lock the tables they write (also against other processes).
class DeltaSink final : public Sink, public RunLog, public TableMaintenance, public LatestValues {
 public:
  // A sink writing to `store`. Throws SinkError.
  DeltaSink(std::unique_ptr<ObjectStore> store, DeltaSinkOptions options,
            const Clock& clock = SystemClock::Instance());
  // A sink on the local directory `root`, created if needed.
  DeltaSink(const std::filesystem::path& root, DeltaSinkOptions options,
            const Clock& clock = SystemClock::Instance());
  ~DeltaSink() override;

  std::unique_ptr<LoadTransaction> Begin(const std::string& task_id) override;
  std::optional<std::string> ReadState(const std::string& task_id) override;
  void RecordRun(const RunRecord& run) override;
  void RecordTaskResult(const TaskResult& result) override;
  std::vector<TaskHistory> ReadHistory() override;
  std::vector<RunRecord> ReadRuns(const RunQuery& query) override;
  std::vector<TaskResult> ReadRunResults(const std::string& run_id) override;
  std::vector<TaskResult> ReadTaskResults(const std::string& task_id, int limit) override;
  std::vector<SchemaChangeRecord> ReadSchemaChanges(const SchemaChangeQuery& query) override;
  // The live files' numRecords summed (nullopt when a file has no stats).
  std::optional<int64_t> TableRows(const std::string& table) override;
  std::optional<Schema> DescribeTable(const std::string& table) override;
  std::optional<std::string> ColumnMax(const std::string& table,
                                       const std::string& column) override;
  std::string Describe() const override;
  std::string Identity() override;
  RunLog& run_log() override { return *this; }
  TableMaintenance* maintenance() override { return this; }
  LatestValues* latest_values() override { return this; }
  LatestRows Latest(const LatestRequest& request) override;

  // Compacts as delta_compact.h says. Also throws SinkError when the table
  // has an interrupted load pending (compacting then could make that load
  // conflict).
  std::optional<CompactResult> Compact(const std::string& table,
                                       int64_t target_file_bytes = 0) override;
  // Vacuums as delta_vacuum.h says, under the table's lock; data files named
  // by an interrupted load's journal are kept (that load may still commit).
  std::optional<VacuumResult> Vacuum(const std::string& table,
                                     const VacuumOptions& options) override;
  // The run-history tables under _tributary/, each under its records lock.
  std::vector<std::pair<std::string, VacuumResult>> VacuumRecords(
      const VacuumOptions& options) override;

  DeltaStorage& storage() { return storage_; }
  ObjectStore& store() { return storage_.store(); }
  const DeltaSinkOptions& options() const { return options_; }
  // The sink tables that exist in the store (folders holding a _delta_log),
  // tributary's own records excluded, sorted.
  std::vector<std::string> ListTables();
  int64_t NowMs() const;
  // Appends the schema changes transaction `version` of `task_id` committed
  // to _tributary/schema_changes (a repeat of the same version is read once).
  void AppendSchemaChanges(const std::string& task_id, int64_t version,
                           const std::vector<SchemaChangeRecord>& changes);
  // The last recorded change of each column of sink table `table`.
  std::map<std::string, std::string> LastSchemaChanges(const std::string& table);
  // A new connection to the sink's DuckDB engine (UTC session). Thread-safe.
  DuckConnection Connect() const;
  // The key prefix of sink table `table`; throws SinkError for names that
  // cannot be a folder (empty, "/", "..", tributary's own "_tributary").
  std::string TableKey(const std::string& table) const;
  std::filesystem::path LockPath(const std::string& kind, const std::string& name) const;

 private:
  // Throws SinkError when an interrupted load of some task has a plan for
  // `table` pending (`doing` names the refused operation).
  void CheckNoPendingLoad(const std::string& table, const std::string& doing);
  // The data files (keys) that pending interrupted loads wrote into `table`.
  std::set<std::string> PendingFiles(const std::string& table);

  DeltaSinkOptions options_;
  const Clock& clock_;
  std::filesystem::path spill_dir_;
  DeltaStorage storage_;
  DuckDatabase database_;
  std::mutex records_mutex_;  // one record commit at a time per process
  std::mutex identity_mutex_;
  std::string identity_;  // guarded by identity_mutex_; empty until read
};

}  // namespace tributary
