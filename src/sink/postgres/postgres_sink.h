// The PostgreSQL sink: loaded tables in one schema of a PostgreSQL database
// (`sink.schema`, default bronze), tributary's records and task state in the
// schema `_tributary` (runs, task_results, state) of the same database. Rows
// arrive through binary COPY; a load transaction is one PostgreSQL
// transaction, so the tables and the state commit together. See docs/state.md.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "clients/postgres/pg_connection.h"
#include "sink/sink.h"

namespace tributary {

// Thread-safe: each load transaction has its own connection; records and
// state reads share one connection guarded by a mutex.
class PostgresSink final : public Sink, public RunLog, public LatestValues {
 public:
  // Connects with `info` (side kSink; its password is never shown) and
  // creates the schemas and tributary's tables if needed. Throws SinkError.
  PostgresSink(PgConnectInfo info, std::string schema);

  std::unique_ptr<LoadTransaction> Begin(const std::string& task_id) override;
  std::optional<std::string> ReadState(const std::string& task_id) override;
  void RecordRun(const RunRecord& run) override;
  void RecordTaskResult(const TaskResult& result) override;
  std::vector<TaskHistory> ReadHistory() override;
  std::vector<RunRecord> ReadRuns(const RunQuery& query) override;
  std::vector<TaskResult> ReadRunResults(const std::string& run_id) override;
  std::vector<TaskResult> ReadTaskResults(const std::string& task_id, int limit) override;
  std::vector<SchemaChangeRecord> ReadSchemaChanges(const SchemaChangeQuery& query) override;
  std::optional<int64_t> TableRows(const std::string& table) override;
  std::optional<Schema> DescribeTable(const std::string& table) override;
  std::optional<std::string> ColumnMax(const std::string& table,
                                       const std::string& column) override;
  std::string Describe() const override;
  std::string Identity() override;
  LatestValues* latest_values() override { return this; }
  LatestRows Latest(const LatestRequest& request) override;
  RunLog& run_log() override { return *this; }

  PgConnection Connect() const { return PgConnection(info_); }
  const std::string& schema() const { return schema_; }
  const std::string& where() const { return where_; }

 private:
  void CreateSchemas();

  PgConnectInfo info_;
  std::string where_;
  std::string schema_;
  std::mutex mutex_;  // guards records_
  PgConnection records_;
  std::string identity_;  // guarded by mutex_; empty until read
};

// The columns of `schema`.`table` as logical types, in order; nullopt when
// there is no such table. Throws SinkError for a column type tributary does
// not map.
std::optional<Schema> PgTableSchema(PgConnection& conn, const std::string& schema,
                                    const std::string& table);

}  // namespace tributary
