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

}  // namespace tributary
