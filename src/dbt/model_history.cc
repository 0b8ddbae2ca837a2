#include "dbt/model_history.h"

#include "config/frequency_rank.h"
#include "dbt/selection.h"

namespace tributary {

void RecordModelOutcomes(RunLog& log, const std::string& run_id, const DbtStepResult& result) {
  for (const auto& m : result.models) {
    TaskResult r;
    r.run_id = run_id;
    r.task_id = m.unique_id;
    r.strategy = "dbt";
    r.server = "dbt";
    r.source_table = m.name;
    r.frequency = m.frequency;
    r.started_at = m.started_at;
    r.ended_at = m.ended_at;
    r.rows = m.rows;  // -1 when the adapter does not say: still a change (run_log.h)
    r.status = m.status;
    r.error = m.message;
    log.RecordTaskResult(r);
  }
}

std::vector<Task> ModelTasks(const Project& project, const Manifest& manifest) {
  std::vector<Task> tasks;
  for (const auto& pick : AllModels(project, manifest, FrequencyRank(project.frequencies))) {
    Task t;
    t.strategy = "dbt";
    t.server = "dbt";
    t.database = manifest.project_name;
    t.source_table = pick.model->name;
    t.frequency = pick.frequency;
    t.sink_table = pick.model->unique_id;
    tasks.push_back(std::move(t));
  }
  return tasks;
}

}  // namespace tributary
