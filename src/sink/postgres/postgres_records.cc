// PostgresSink's run records: _tributary.runs and _tributary.task_results.
#include <fmt/format.h>

#include <algorithm>

#include "common/clock.h"
#include "sink/postgres/postgres_sink.h"

namespace tributary {
namespace {

constexpr const char* kHistorySql = R"sql(
WITH flagged AS (
  SELECT *, status IN ('succeeded', 'unchanged') AS is_success,
         status = 'succeeded' AND rows <> 0 AS is_change
  FROM _tributary.task_results),
ranked AS (
  SELECT *,
         row_number() OVER (PARTITION BY task_id ORDER BY started_at DESC, ended_at DESC) AS attempt,
         row_number() OVER (PARTITION BY task_id, is_success
                            ORDER BY started_at DESC, ended_at DESC) AS by_success,
         row_number() OVER (PARTITION BY task_id, is_change
                            ORDER BY started_at DESC, ended_at DESC) AS by_change
  FROM flagged)
SELECT run_id, task_id, strategy, server, database, source_table, frequency,
       (extract(epoch FROM started_at) * 1000000)::bigint,
       (extract(epoch FROM ended_at) * 1000000)::bigint, rows, bytes, status, error, table_rows,
       attempt = 1, is_success AND by_success = 1, is_change AND by_change = 1
FROM ranked
WHERE attempt = 1 OR (is_success AND by_success = 1) OR (is_change AND by_change = 1)
ORDER BY task_id)sql";

// A timestamptz parameter from a time point, exact to the microsecond.
std::optional<std::string> Micros(const std::optional<TimePoint>& t) {
  if (!t) return std::nullopt;
  return std::to_string(ToMicros(*t));
}

// SQL turning parameter `param` (µs since the epoch) into a timestamptz.
std::string At(int param) {
  return fmt::format("'epoch'::timestamptz + ${}::bigint * interval '1 microsecond'", param);
}

TaskResult ReadTaskResult(const PGresult* r, int row) {
  auto text = [&](int col) { return PgValue(r, row, col).value_or(""); };
  auto number = [&](int col) { return std::stoll(PgValue(r, row, col).value_or("0")); };
  TaskResult t;
  t.run_id = text(0);
  t.task_id = text(1);
  t.strategy = text(2);
  t.server = text(3);
  t.database = text(4);
  t.source_table = text(5);
  t.frequency = text(6);
  t.started_at = FromMicros(number(7));
  t.ended_at = FromMicros(number(8));
  t.rows = number(9);
  t.bytes = number(10);
  t.status = text(11);
  t.error = text(12);
  t.table_rows = std::stoll(PgValue(r, row, 13).value_or("-1"));
  return t;
}

std::vector<SchemaChangeRecord> ReadSchemaChangeRows(const PGresult* result) {
  std::vector<SchemaChangeRecord> records;
  for (int row = 0; row < PQntuples(result); ++row) {
    auto text = [&](int col) { return PgValue(result, row, col).value_or(""); };
    records.push_back(SchemaChangeRecord{text(0), text(1), text(2), text(3), text(4), text(5),
                                         text(6), FromMicros(std::stoll(text(7)))});
  }
  return records;
}

}  // namespace

void PostgresSink::RecordRun(const RunRecord& run) {
  std::lock_guard lock(mutex_);
  records_.Exec(
      fmt::format("INSERT INTO _tributary.runs VALUES ($1, {}, {}, $4, $5, $6, $7) ON CONFLICT "
                  "(run_id) DO UPDATE SET started_at = excluded.started_at, ended_at = "
                  "excluded.ended_at, status = excluded.status, command = excluded.command, "
                  "tasks_total = excluded.tasks_total, tasks_failed = excluded.tasks_failed",
                  At(2), At(3)),
      {run.run_id, Micros(run.started_at), Micros(run.ended_at), run.status, run.command,
       std::to_string(run.tasks_total), std::to_string(run.tasks_failed)},
      fmt::format("cannot record run '{}'", run.run_id));
}

void PostgresSink::RecordTaskResult(const TaskResult& r) {
  std::lock_guard lock(mutex_);
  records_.Exec(
      fmt::format("INSERT INTO _tributary.task_results (run_id, task_id, strategy, server, "
                  "database, source_table, frequency, started_at, ended_at, rows, bytes, status, "
                  "error, table_rows) VALUES ($1, $2, $3, $4, $5, $6, $7, {}, {}, $10, $11, $12, "
                  "$13, $14)",
                  At(8), At(9)),
      {r.run_id, r.task_id, r.strategy, r.server, r.database, r.source_table, r.frequency,
       Micros(r.started_at), Micros(r.ended_at), std::to_string(r.rows), std::to_string(r.bytes),
       r.status, r.error, std::to_string(r.table_rows)},
      fmt::format("cannot record the result of task '{}'", r.task_id));
}

std::vector<TaskHistory> PostgresSink::ReadHistory() {
  std::lock_guard lock(mutex_);
  PgResult result = records_.Exec(kHistorySql, {}, "cannot read the task history");
  std::vector<TaskHistory> history;
  for (int row = 0; row < PQntuples(result.get()); ++row) {
    TaskResult r = ReadTaskResult(result.get(), row);
    if (history.empty() || history.back().task_id != r.task_id) {
      history.push_back(TaskHistory{r.task_id, std::nullopt, std::nullopt, std::nullopt, {}});
    }
    if (PgValue(result.get(), row, 14) == "t") history.back().last_attempt = r;
    if (PgValue(result.get(), row, 15) == "t") history.back().last_success = r;
    if (PgValue(result.get(), row, 16) == "t") history.back().last_change = r;
  }
  PgResult changes = records_.Exec(
      fmt::format("SELECT run_id, task_id, table_name, column_name, change, old_type, new_type, "
                  "(extract(epoch FROM changed_at) * 1000000)::bigint FROM (SELECT *, "
                  "row_number() OVER (PARTITION BY task_id ORDER BY changed_at DESC, table_name, "
                  "column_name) AS n FROM _tributary.schema_changes) c WHERE n <= {} "
                  "ORDER BY changed_at DESC, table_name, column_name",
                  kHistorySchemaChanges),
      {}, "cannot read the schema changes");
  AttachSchemaChanges(history, ReadSchemaChangeRows(changes.get()));
  return history;
}

namespace {

constexpr const char* kRunsSql = R"sql(
SELECT run_id, (extract(epoch FROM started_at) * 1000000)::bigint,
       (extract(epoch FROM ended_at) * 1000000)::bigint, status, command, tasks_total, tasks_failed
FROM _tributary.runs
WHERE $1::text = '' OR run_id = $1::text
ORDER BY started_at DESC, run_id DESC
LIMIT $2::bigint)sql";

// The task_results columns ReadTaskResult reads, in its order.
constexpr const char* kTaskResultSelect = R"sql(
SELECT run_id, task_id, strategy, server, database, source_table, frequency,
       (extract(epoch FROM started_at) * 1000000)::bigint,
       (extract(epoch FROM ended_at) * 1000000)::bigint, rows, bytes, status, error, table_rows
FROM _tributary.task_results
)sql";

constexpr const char* kSchemaChangesSql = R"sql(
SELECT run_id, task_id, table_name, column_name, change, old_type, new_type,
       (extract(epoch FROM changed_at) * 1000000)::bigint
FROM _tributary.schema_changes
WHERE ($1::text = '' OR task_id = $1::text) AND ($2::text = '' OR run_id = $2::text)
ORDER BY changed_at DESC, table_name, column_name
LIMIT $3::bigint)sql";

RunRecord ReadRunRecord(const PGresult* r, int row) {
  auto number = [&](int col) { return std::stoll(PgValue(r, row, col).value_or("0")); };
  RunRecord run;
  run.run_id = PgValue(r, row, 0).value_or("");
  run.started_at = FromMicros(number(1));
  if (PgValue(r, row, 2)) run.ended_at = FromMicros(number(2));
  run.status = PgValue(r, row, 3).value_or("");
  run.command = PgValue(r, row, 4).value_or("");
  run.tasks_total = static_cast<int>(number(5));
  run.tasks_failed = static_cast<int>(number(6));
  return run;
}

}  // namespace

std::vector<RunRecord> PostgresSink::ReadRuns(const RunQuery& query) {
  std::lock_guard lock(mutex_);
  PgResult result = records_.Exec(
      kRunsSql, {query.run_id, std::to_string(std::max(query.limit, 0))}, "cannot read the runs");
  std::vector<RunRecord> runs;
  for (int row = 0; row < PQntuples(result.get()); ++row) {
    runs.push_back(ReadRunRecord(result.get(), row));
  }
  return runs;
}

std::vector<TaskResult> PostgresSink::ReadRunResults(const std::string& run_id) {
  std::lock_guard lock(mutex_);
  PgResult result = records_.Exec(
      std::string(kTaskResultSelect) + "WHERE run_id = $1 ORDER BY started_at, task_id", {run_id},
      fmt::format("cannot read the results of run '{}'", run_id));
  std::vector<TaskResult> results;
  for (int row = 0; row < PQntuples(result.get()); ++row) {
    results.push_back(ReadTaskResult(result.get(), row));
  }
  return results;
}

std::vector<TaskResult> PostgresSink::ReadTaskResults(const std::string& task_id, int limit) {
  std::lock_guard lock(mutex_);
  PgResult result = records_.Exec(
      std::string(kTaskResultSelect) +
          "WHERE task_id = $1 ORDER BY started_at DESC, ended_at DESC LIMIT $2::bigint",
      {task_id, std::to_string(std::max(limit, 0))},
      fmt::format("cannot read the results of task '{}'", task_id));
  std::vector<TaskResult> results;
  for (int row = 0; row < PQntuples(result.get()); ++row) {
    results.push_back(ReadTaskResult(result.get(), row));
  }
  return results;
}

std::vector<SchemaChangeRecord> PostgresSink::ReadSchemaChanges(const SchemaChangeQuery& query) {
  std::lock_guard lock(mutex_);
  PgResult result = records_.Exec(
      kSchemaChangesSql, {query.task_id, query.run_id, std::to_string(std::max(query.limit, 0))},
      "cannot read the schema changes");
  return ReadSchemaChangeRows(result.get());
}

}  // namespace tributary
