// DuckDbSink's run records: _tributary.runs and _tributary.task_results.
#include <fmt/format.h>

#include <map>

#include "clients/duckdb/duckdb_sql.h"
#include "common/error.h"
#include "common/log.h"
#include "sink/duckdb/duckdb_sink.h"
#include "sink/duckdb/history_snapshot.h"
#include "sink/duckdb/run_history.h"

namespace tributary {
namespace {}  // namespace

void DuckDbSink::RecordRun(const RunRecord& run) {
  std::lock_guard lock(mutex_);
  DuckStatement(
      records_.get(),
      InCatalog("INSERT INTO _tributary.runs VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id) DO "
                "UPDATE SET started_at = excluded.started_at, ended_at = excluded.ended_at, "
                "status = excluded.status, command = excluded.command, "
                "tasks_total = excluded.tasks_total, tasks_failed = excluded.tasks_failed"),
      fmt::format("cannot record run '{}'", run.run_id))
      .Bind(1, run.run_id)
      .BindTime(2, run.started_at)
      .BindTime(3, run.ended_at)
      .Bind(4, run.status)
      .Bind(5, run.command)
      .Bind(6, int64_t{run.tasks_total})
      .Bind(7, int64_t{run.tasks_failed})
      .Execute();
  WriteSnapshotLocked();
}

void DuckDbSink::RecordTaskResult(const TaskResult& r) {
  std::lock_guard lock(mutex_);
  DuckStatement(records_.get(),
                InCatalog("INSERT INTO _tributary.task_results (run_id, task_id, strategy, "
                          "server, database, source_table, frequency, started_at, ended_at, "
                          "rows, bytes, status, error, table_rows) VALUES "
                          "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                fmt::format("cannot record the result of task '{}'", r.task_id))
      .Bind(1, r.run_id)
      .Bind(2, r.task_id)
      .Bind(3, r.strategy)
      .Bind(4, r.server)
      .Bind(5, r.database)
      .Bind(6, r.source_table)
      .Bind(7, r.frequency)
      .BindTime(8, r.started_at)
      .BindTime(9, r.ended_at)
      .Bind(10, r.rows)
      .Bind(11, r.bytes)
      .Bind(12, r.status)
      .Bind(13, r.error)
      .Bind(14, r.table_rows)
      .Execute();
  WriteSnapshotLocked();
}

std::vector<TaskHistory> DuckDbSink::ReadHistory() {
  std::lock_guard lock(mutex_);
  return ReadHistoryLocked();
}

std::vector<TaskHistory> DuckDbSink::ReadHistoryLocked() {
  DuckResult result = DuckExec(records_.get(), InCatalog(TaskHistorySql("_tributary.task_results")),
                               "cannot read the task history");
  std::vector<TaskHistory> history = ReadTaskHistory(result);
  DuckResult changes =
      DuckExec(records_.get(), RecentSchemaChangesSql(InCatalog("_tributary.schema_changes")),
               "cannot read the schema changes");
  AttachSchemaChanges(history, ReadSchemaChangeRecords(changes));
  return history;
}

std::vector<RunRecord> DuckDbSink::ReadRuns(const RunQuery& query) {
  std::lock_guard lock(mutex_);
  DuckResult result = DuckExec(records_.get(), RunsSql(InCatalog("_tributary.runs"), query),
                               "cannot read the runs");
  return ReadRunRecords(result);
}

std::vector<TaskResult> DuckDbSink::ReadRunResults(const std::string& run_id) {
  std::lock_guard lock(mutex_);
  DuckResult result =
      DuckExec(records_.get(), RunResultsSql(InCatalog("_tributary.task_results"), run_id),
               fmt::format("cannot read the results of run '{}'", run_id));
  return tributary::ReadTaskResults(result);
}

std::vector<TaskResult> DuckDbSink::ReadTaskResults(const std::string& task_id, int limit) {
  std::lock_guard lock(mutex_);
  DuckResult result =
      DuckExec(records_.get(), TaskResultsSql(InCatalog("_tributary.task_results"), task_id, limit),
               fmt::format("cannot read the results of task '{}'", task_id));
  return tributary::ReadTaskResults(result);
}

std::vector<SchemaChangeRecord> DuckDbSink::ReadSchemaChanges(const SchemaChangeQuery& query) {
  std::lock_guard lock(mutex_);
  DuckResult result =
      DuckExec(records_.get(), SchemaChangesSql(InCatalog("_tributary.schema_changes"), query),
               "cannot read the schema changes");
  return ReadSchemaChangeRecords(result);
}

void DuckDbSink::WriteSnapshotLocked() {
  try {
    WriteHistorySnapshot(file_,
                         HistorySnapshot{SystemClock::Instance().Now(), ReadHistoryLocked()});
  } catch (const std::exception& e) {
    Log(LogLevel::kWarn, "could not write the history snapshot beside the sink file",
        {{"file", HistorySnapshotPath(file_).string()}, {"error", e.what()}});
  }
}

}  // namespace tributary
