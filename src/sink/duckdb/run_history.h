// Each task's last attempt and last success, read with DuckDB from task result
// rows wherever they are kept: a DuckDB table (DuckDbSink) or Parquet files
// (DeltaSink's record table). One query and one reading of its result, so
// `status` means the same thing on every sink DuckDB can read.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "clients/duckdb/duckdb_handles.h"
#include "sink/sink.h"

namespace tributary {

// The query over `from` (a table name or a table function call whose rows
// have the columns of _tributary.task_results), ordered by task id.
std::string TaskHistorySql(std::string_view from);

// The histories TaskHistorySql's result holds, one per task.
std::vector<TaskHistory> ReadTaskHistory(DuckResult& result);

// The query over `from` (rows with the columns of _tributary.runs) for
// RunLog::ReadRuns: the latest row of each run (a finished row wins over a
// `running` one, for Delta run tables written before one row per run).
std::string RunsSql(std::string_view from, const RunQuery& query);

// The runs RunsSql's result holds, in its order.
std::vector<RunRecord> ReadRunRecords(DuckResult& result);

// The query over `from` (task result rows) for RunLog::ReadRunResults.
std::string RunResultsSql(std::string_view from, const std::string& run_id);

// The query over `from` (task result rows) for RunLog::ReadTaskResults.
std::string TaskResultsSql(std::string_view from, const std::string& task_id, int limit);

// The task results RunResultsSql's or TaskResultsSql's result holds, in its order.
std::vector<TaskResult> ReadTaskResults(DuckResult& result);

// The query over `from` (rows with the columns of _tributary.schema_changes)
// for RunLog::ReadSchemaChanges.
std::string SchemaChangesSql(std::string_view from, const SchemaChangeQuery& query);

// The query over `from` for the latest kHistorySchemaChanges changes of every
// task (ReadHistory's), newest first.
std::string RecentSchemaChangesSql(std::string_view from);

// The records SchemaChangesSql's or RecentSchemaChangesSql's result holds, in its order.
std::vector<SchemaChangeRecord> ReadSchemaChangeRecords(DuckResult& result);

}  // namespace tributary
