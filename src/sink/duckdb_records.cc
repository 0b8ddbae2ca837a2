// DuckDbSink's run records: _tributary.runs and _tributary.task_results.
#include <fmt/format.h>

#include <map>

#include "sink/duckdb_sink.h"
#include "sink/duckdb_sql.h"

namespace tributary {
namespace {

// The last attempt (kind 0) and last success (kind 1) of every task, by
// start time, in one scan.
constexpr const char* kHistorySql = R"(
WITH ranked AS (
  SELECT *,
         row_number() OVER (PARTITION BY task_id ORDER BY started_at DESC, ended_at DESC) AS attempt,
         row_number() OVER (PARTITION BY task_id, status = 'succeeded'
                            ORDER BY started_at DESC, ended_at DESC) AS by_status
  FROM _tributary.task_results)
SELECT run_id, task_id, strategy, server, database, source_table, frequency,
       epoch_us(started_at), epoch_us(ended_at), rows, bytes, status, error,
       attempt = 1 AS is_last_attempt, status = 'succeeded' AND by_status = 1 AS is_last_success
FROM ranked
WHERE attempt = 1 OR (status = 'succeeded' AND by_status = 1)
ORDER BY task_id)";

TaskResult ReadTaskResult(DuckResult& result, uint64_t row) {
  auto text = [&](uint64_t col) { return ResultText(result, col, row).value_or(""); };
  TaskResult r;
  r.run_id = text(0);
  r.task_id = text(1);
  r.strategy = text(2);
  r.server = text(3);
  r.database = text(4);
  r.source_table = text(5);
  r.frequency = text(6);
  r.started_at = FromMicros(ResultInt(result, 7, row).value_or(0));
  r.ended_at = FromMicros(ResultInt(result, 8, row).value_or(0));
  r.rows = ResultInt(result, 9, row).value_or(0);
  r.bytes = ResultInt(result, 10, row).value_or(0);
  r.status = text(11);
  r.error = text(12);
  return r;
}

}  // namespace

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
}

void DuckDbSink::RecordTaskResult(const TaskResult& r) {
  std::lock_guard lock(mutex_);
  DuckStatement(records_.get(),
                InCatalog("INSERT INTO _tributary.task_results VALUES "
                          "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
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
      .Execute();
}

std::vector<TaskHistory> DuckDbSink::ReadHistory() {
  std::lock_guard lock(mutex_);
  DuckResult result =
      DuckExec(records_.get(), InCatalog(kHistorySql), "cannot read the task history");
  std::vector<TaskHistory> history;
  for (uint64_t row = 0; row < ResultRows(result); ++row) {
    TaskResult r = ReadTaskResult(result, row);
    if (history.empty() || history.back().task_id != r.task_id) {
      history.push_back(TaskHistory{r.task_id, std::nullopt, std::nullopt});
    }
    if (ResultInt(result, 13, row).value_or(0) != 0) history.back().last_attempt = r;
    if (ResultInt(result, 14, row).value_or(0) != 0) history.back().last_success = r;
  }
  return history;
}

}  // namespace tributary
