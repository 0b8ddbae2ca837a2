// Models in the run history, beside tables: each model's outcome is one task
// result whose task id is the model's unique_id (`model.<package>.<name>`,
// which no sink table name can be: those have no dots) and whose strategy is
// `dbt`, so `status` judges a model's health exactly as a table's.
#pragma once

#include <string>
#include <vector>

#include "config/project.h"
#include "dbt/dbt_step.h"
#include "dbt/manifest.h"
#include "sink/run_log.h"

namespace tributary {

// Records every model of `result` under `run_id` in the sink's run log.
// Throws SinkError.
void RecordModelOutcomes(RunLog& log, const std::string& run_id, const DbtStepResult& result);

// One pseudo-task per model (strategy `dbt`, id = unique_id, the model's
// frequency), for ComputeStatus.
std::vector<Task> ModelTasks(const Project& project, const Manifest& manifest);

}  // namespace tributary
