#include "powerbi/powerbi_history.h"

namespace tributary {

void RecordRefreshOutcomes(RunLog& log, const std::string& run_id,
                           const std::vector<TableOutcome>& outcomes) {
  for (const auto& o : outcomes) {
    TaskResult r;
    r.run_id = run_id;
    r.task_id = o.ref.task_id;
    r.strategy = "powerbi";
    r.server = "powerbi";
    r.database = o.ref.semantic_model->name;
    r.source_table = o.ref.table->table;
    r.frequency = o.ref.frequency;
    r.started_at = o.started_at;
    r.ended_at = o.ended_at;
    r.status = o.status;
    r.error = o.error;
    log.RecordTaskResult(r);
  }
}

std::vector<Task> PowerBiTasks(const Project& project, const Manifest* manifest) {
  std::vector<Task> tasks;
  for (const auto& ref : AllPowerBiTables(project, manifest)) {
    Task t;
    t.strategy = "powerbi";
    t.server = "powerbi";
    t.database = ref.semantic_model->name;
    t.source_table = ref.table->table;
    t.frequency = ref.frequency;
    t.sink_table = ref.task_id;
    t.where = ref.table->where;
    tasks.push_back(std::move(t));
  }
  return tasks;
}

}  // namespace tributary
