#include "serve/project_status.h"

#include <algorithm>

#include "common/error.h"
#include "dbt/dbt_step.h"
#include "dbt/model_history.h"
#include "engine/status_json.h"
#include "powerbi/powerbi_history.h"

namespace tributary {
namespace {

bool Wanted(const StatusLayers& layers, const std::string& frequency) {
  const auto& f = layers.frequencies;
  return f.empty() || std::find(f.begin(), f.end(), frequency) != f.end();
}

std::vector<Task> KeepWanted(std::vector<Task> tasks, const StatusLayers& layers) {
  std::erase_if(tasks, [&](const Task& t) { return !Wanted(layers, t.frequency); });
  return tasks;
}

}  // namespace

ProjectStatus GatherStatus(const Project& project, std::vector<Task> tables,
                           const StatusLayers& layers, const std::vector<TaskHistory>& history,
                           TimePoint now) {
  ProjectStatus out;
  out.tables = std::move(tables);
  if (project.dbt.enabled && (layers.models || layers.reports)) {
    try {
      out.manifest = ObtainManifest(project, /*parse=*/false, nullptr);
    } catch (const Error& e) {
      out.warnings.push_back(std::string("cannot list the dbt models: ") + e.what());
    }
  }
  if (layers.models && out.manifest) {
    out.models = KeepWanted(ModelTasks(project, *out.manifest), layers);
  }
  if (layers.reports && project.powerbi.enabled) {
    out.reports =
        KeepWanted(PowerBiTasks(project, out.manifest ? &*out.manifest : nullptr), layers);
  }
  out.table_rows = ComputeStatus(project, out.tables, history, now);
  out.model_rows = ComputeStatus(project, out.models, history, now);
  out.report_rows = ComputeStatus(project, out.reports, history, now);
  return out;
}

nlohmann::json ProjectStatusJson(const Project& project, const ProjectStatus& status,
                                 TimePoint now) {
  return StatusJson(project.name, status.table_rows, status.model_rows, now, status.report_rows);
}

}  // namespace tributary
