// Power BI tables in the run history, beside tables and dbt models: each
// table's refresh is one task result with task id `powerbi.<semantic
// model>.<table>` (refresh_plan.h) and strategy `powerbi`, so `status`
// judges a Power BI table's health exactly as a table's or a model's.
#pragma once

#include <string>
#include <vector>

#include "config/project.h"
#include "dbt/manifest.h"
#include "powerbi/refresh_runner.h"
#include "sink/run_log.h"

namespace tributary {

// Records every outcome under `run_id`. Throws SinkError.
void RecordRefreshOutcomes(RunLog& log, const std::string& run_id,
                           const std::vector<TableOutcome>& outcomes);

// One pseudo-task per configured table (strategy `powerbi`, server
// `powerbi`, database = the semantic model, source_table = the table, the
// table's frequency), for ComputeStatus. `manifest` may be null.
std::vector<Task> PowerBiTasks(const Project& project, const Manifest* manifest);

}  // namespace tributary
