// The JSON forms of what tributary reports: table and model status, runs and
// task results (docs/json.md). `tributary status --format json` prints
// StatusJson; a status page or a metrics endpoint is meant to serve the same
// object. The shapes are an API: fields are added, never renamed or removed.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/clock.h"
#include "engine/status.h"
#include "sink/run_log.h"

namespace tributary {

// "2026-12-07T16:22:34.123Z": ISO-8601 in UTC, to the millisecond.
std::string IsoUtc(TimePoint t);

// The stable token of `health` in JSON: ok, due, overdue, failing, never.
const char* HealthToken(Health health);

// One run: run_id, started_at, ended_at (null while running), duration_ms,
// status, command, tasks_total, tasks_failed.
nlohmann::json RunJson(const RunRecord& run);

// One task result, its error in full: run_id, task_id, strategy, server,
// database, source_table, frequency, started_at, ended_at, duration_ms, rows,
// bytes, status, error (null on success), table_rows (rows in the sink table
// after the load; null when not known).
nlohmann::json TaskResultJson(const TaskResult& result);

// One schema change: run_id (null outside a run), task_id, table, column,
// change (added, widened, type_changed, kept, dropped), old_type, new_type
// (null when none), at.
nlohmann::json SchemaChangeJson(const SchemaChangeRecord& change);

// One table (or model) of `status`: the task's identity, health, the last
// success and last attempt (TaskResultJson, or null) and last_error (the last
// attempt's whole error while it failed, else null), table_rows (the sink
// table's rows after the last success, or null), shape_changed (the last
// success changed the table's columns) and schema_changes (recent ones,
// newest first, SchemaChangeJson each).
nlohmann::json TableStatusJson(const TableStatus& status);

// The whole of `status`: generated_at, project, healthy (false when a table,
// model or Power BI table is overdue, failing or never loaded: `status` then
// exits 1), tables, models and reports (the Power BI tables; TableStatusJson
// each).
nlohmann::json StatusJson(const std::string& project, const std::vector<TableStatus>& tables,
                          const std::vector<TableStatus>& models, TimePoint now,
                          const std::vector<TableStatus>& reports = {});

// `runs --format json` and GET /api/runs: {"runs": [RunJson…]}.
nlohmann::json RunListJson(const std::vector<RunRecord>& runs);

// `runs <id> --format json` and GET /api/runs/<id>: {"run": RunJson,
// "results": [TaskResultJson…]}, each result with the schema_changes of
// `changes` (the run's) its task made.
nlohmann::json RunDetailJson(const RunRecord& run, const std::vector<TaskResult>& results,
                             const std::vector<SchemaChangeRecord>& changes = {});

// True when `status` counts the entry as healthy (ok or due).
bool Healthy(const TableStatus& status);

}  // namespace tributary
