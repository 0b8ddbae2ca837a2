// The DuckDB sink: one database file holding the loaded tables (schema
// `SinkConfig::schema`, default bronze) and tributary's own records (schema
// `_tributary`: runs, task_results, state). See docs for the table layouts.
#pragma once

#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>

#include "clients/duckdb/duckdb_handles.h"
#include "sink/sink.h"

namespace tributary {

struct DuckDbSinkOptions {
  // DuckDB's memory_limit. A load writes its row groups to the file as it goes
  // (before COMMIT), but DuckDB keeps every block it wrote cached until the
  // limit forces them out; its own default (80% of RAM) lets one long load
  // hold most of the table in memory. Past the limit DuckDB evicts written
  // blocks and spills work (merges) to `<file>.tmp`.
  std::string memory_limit = "128MB";
  int threads = 0;  // DuckDB's worker threads; 0: see DuckThreads()
  // How long opening the file waits while another process has it open
  // (duckdb_file_wait.h); 0: fail at once.
  std::chrono::seconds lock_wait{1800};
};

// Thread-safe. One duckdb_database is shared; every TableWriter gets its own
// connection (so loads run in parallel, each in its own transaction), and the
// records and state reads go through one connection guarded by a mutex.
// REQUIRES: the sink outlives every TableWriter it returns.
class DuckDbSink final : public Sink, public RunLog, public LatestValues {
 public:
  // Opens (creating if needed) the database file and the schemas and tables
  // tributary needs. Extension auto-install/auto-load are off: nothing is
  // ever downloaded. Throws SinkError.
  DuckDbSink(const std::filesystem::path& file, std::string schema,
             const DuckDbSinkOptions& options = {});

  std::unique_ptr<LoadTransaction> Begin(const std::string& task_id) override;
  std::optional<std::string> ReadState(const std::string& task_id) override;
  void RecordRun(const RunRecord& run) override;
  void RecordTaskResult(const TaskResult& result) override;
  std::vector<TaskHistory> ReadHistory() override;
  std::vector<RunRecord> ReadRuns(const RunQuery& query) override;
  std::vector<TaskResult> ReadRunResults(const std::string& run_id) override;
  std::vector<TaskResult> ReadTaskResults(const std::string& task_id, int limit) override;
  std::optional<int64_t> TableRows(const std::string& table) override;
  std::vector<SchemaChangeRecord> ReadSchemaChanges(const SchemaChangeQuery& query) override;
  std::optional<Schema> DescribeTable(const std::string& table) override;
  std::optional<std::string> ColumnMax(const std::string& table,
                                       const std::string& column) override;
  std::string Describe() const override;
  std::string Identity() override;
  RunLog& run_log() override { return *this; }
  LatestValues* latest_values() override { return this; }
  LatestRows Latest(const LatestRequest& request) override;

  // A new connection to the database, e.g. for a writer. Thread-safe.
  DuckConnection Connect() const;
  const std::string& schema() const { return schema_; }
  // The database's catalog name (the file name without extension).
  const std::string& catalog() const { return catalog_; }
  // `sql` with every "_tributary." made "<catalog>"."_tributary.".
  std::string InCatalog(std::string sql) const;

 private:
  void CreateSchemas();
  // Rewrites the history snapshot beside the file (history_snapshot.h);
  // a failure is logged, never thrown. REQUIRES: mutex_ held.
  void WriteSnapshotLocked();
  std::vector<TaskHistory> ReadHistoryLocked();  // REQUIRES: mutex_ held

  std::filesystem::path file_;
  std::string schema_;
  std::string catalog_;
  DuckDatabase database_;
  std::mutex mutex_;  // guards records_
  DuckConnection records_;
  std::string identity_;  // guarded by mutex_; empty until read
};

// Columns of `schema`.`table` as DuckDB spells their types
// (duckdb_columns().data_type), in order; empty when there is no such table.
std::vector<std::pair<std::string, std::string>> DuckTableColumns(duckdb_connection conn,
                                                                  const std::string& schema,
                                                                  const std::string& table);
// The same as our logical types; nullopt when there is no such table. Throws
// SinkError for a column of a type tributary does not create.
std::optional<Schema> DuckTableSchema(duckdb_connection conn, const std::string& schema,
                                      const std::string& table);

}  // namespace tributary
