#include "sink/duckdb/run_history.h"

#include <fmt/format.h>

#include <algorithm>

#include "clients/duckdb/duckdb_sql.h"

namespace tributary {
namespace {

// The last attempt, the last success and the last change of every task (see
// TaskHistory), by start time, in one scan; columns 14, 15 and 16 say which of
// the three a row is (it may be several).
constexpr const char* kHistorySql = R"(
WITH flagged AS (
  SELECT *, status IN ('succeeded', 'unchanged') AS is_success,
         status = 'succeeded' AND rows <> 0 AS is_change
  FROM {}),
ranked AS (
  SELECT *,
         row_number() OVER (PARTITION BY task_id ORDER BY started_at DESC, ended_at DESC) AS attempt,
         row_number() OVER (PARTITION BY task_id, is_success
                            ORDER BY started_at DESC, ended_at DESC) AS by_success,
         row_number() OVER (PARTITION BY task_id, is_change
                            ORDER BY started_at DESC, ended_at DESC) AS by_change
  FROM flagged)
SELECT run_id, task_id, strategy, server, database, source_table, frequency,
       epoch_us(started_at), epoch_us(ended_at), rows, bytes, status, error, table_rows,
       attempt = 1, is_success AND by_success = 1, is_change AND by_change = 1
FROM ranked
WHERE attempt = 1 OR (is_success AND by_success = 1) OR (is_change AND by_change = 1)
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
  r.table_rows = ResultInt(result, 13, row).value_or(-1);
  return r;
}

}  // namespace

std::string TaskHistorySql(std::string_view from) { return fmt::format(kHistorySql, from); }

std::vector<TaskHistory> ReadTaskHistory(DuckResult& result) {
  std::vector<TaskHistory> history;
  for (uint64_t row = 0; row < ResultRows(result); ++row) {
    TaskResult r = ReadTaskResult(result, row);
    if (history.empty() || history.back().task_id != r.task_id) {
      history.push_back(TaskHistory{r.task_id, std::nullopt, std::nullopt, std::nullopt, {}});
    }
    if (ResultInt(result, 14, row).value_or(0) != 0) history.back().last_attempt = r;
    if (ResultInt(result, 15, row).value_or(0) != 0) history.back().last_success = r;
    if (ResultInt(result, 16, row).value_or(0) != 0) history.back().last_change = r;
  }
  return history;
}

std::string RunsSql(std::string_view from, const RunQuery& query) {
  std::string where = query.run_id.empty() ? "" : "WHERE run_id = " + DuckString(query.run_id);
  return fmt::format(
      "SELECT run_id, epoch_us(started_at), epoch_us(ended_at), status, command, tasks_total, "
      "tasks_failed FROM {} {} QUALIFY row_number() OVER (PARTITION BY run_id ORDER BY ended_at "
      "DESC NULLS LAST) = 1 ORDER BY started_at DESC, run_id DESC LIMIT {}",
      from, where, std::max(query.limit, 0));
}

std::vector<RunRecord> ReadRunRecords(DuckResult& result) {
  std::vector<RunRecord> runs;
  for (uint64_t row = 0; row < ResultRows(result); ++row) {
    RunRecord r;
    r.run_id = ResultText(result, 0, row).value_or("");
    r.started_at = FromMicros(ResultInt(result, 1, row).value_or(0));
    if (auto ended = ResultInt(result, 2, row)) r.ended_at = FromMicros(*ended);
    r.status = ResultText(result, 3, row).value_or("");
    r.command = ResultText(result, 4, row).value_or("");
    r.tasks_total = static_cast<int>(ResultInt(result, 5, row).value_or(0));
    r.tasks_failed = static_cast<int>(ResultInt(result, 6, row).value_or(0));
    runs.push_back(std::move(r));
  }
  return runs;
}

std::string RunResultsSql(std::string_view from, const std::string& run_id) {
  return fmt::format(
      "SELECT run_id, task_id, strategy, server, database, source_table, frequency, "
      "epoch_us(started_at), epoch_us(ended_at), rows, bytes, status, error, table_rows "
      "FROM {} WHERE run_id = {} ORDER BY started_at, task_id",
      from, DuckString(run_id));
}

std::string TaskResultsSql(std::string_view from, const std::string& task_id, int limit) {
  return fmt::format(
      "SELECT run_id, task_id, strategy, server, database, source_table, frequency, "
      "epoch_us(started_at), epoch_us(ended_at), rows, bytes, status, error, table_rows "
      "FROM {} WHERE task_id = {} ORDER BY started_at DESC, ended_at DESC LIMIT {}",
      from, DuckString(task_id), std::max(limit, 0));
}

std::string SchemaChangesSql(std::string_view from, const SchemaChangeQuery& query) {
  std::string where = "WHERE true";
  if (!query.task_id.empty()) where += " AND task_id = " + DuckString(query.task_id);
  if (!query.run_id.empty()) where += " AND run_id = " + DuckString(query.run_id);
  return fmt::format(
      "SELECT run_id, task_id, table_name, column_name, change, old_type, new_type, "
      "epoch_us(changed_at) FROM {} {} ORDER BY changed_at DESC, table_name, column_name "
      "LIMIT {}",
      from, where, std::max(query.limit, 0));
}

std::string RecentSchemaChangesSql(std::string_view from) {
  return fmt::format(
      "SELECT run_id, task_id, table_name, column_name, change, old_type, new_type, "
      "epoch_us(changed_at) FROM {} QUALIFY row_number() OVER (PARTITION BY task_id ORDER BY "
      "changed_at DESC, table_name, column_name) <= {} "
      "ORDER BY changed_at DESC, table_name, column_name",
      from, kHistorySchemaChanges);
}

std::vector<SchemaChangeRecord> ReadSchemaChangeRecords(DuckResult& result) {
  std::vector<SchemaChangeRecord> records;
  for (uint64_t row = 0; row < ResultRows(result); ++row) {
    auto text = [&](uint64_t col) { return ResultText(result, col, row).value_or(""); };
    records.push_back(SchemaChangeRecord{text(0), text(1), text(2), text(3), text(4), text(5),
                                         text(6),
                                         FromMicros(ResultInt(result, 7, row).value_or(0))});
  }
  return records;
}

std::vector<TaskResult> ReadTaskResults(DuckResult& result) {
  std::vector<TaskResult> results;
  for (uint64_t row = 0; row < ResultRows(result); ++row) {
    results.push_back(ReadTaskResult(result, row));
  }
  return results;
}

}  // namespace tributary
