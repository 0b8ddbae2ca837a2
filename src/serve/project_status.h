// The project's status as `status`, the status page and the metrics read it:
// the bronze tables, dbt models and Power BI tables of the project, each
// judged against its frequency from one read of the run history. One path,
// so the page and `status --format json` never disagree.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "config/filter.h"
#include "config/project.h"
#include "dbt/manifest.h"
#include "engine/status.h"
#include "sink/run_log.h"

namespace tributary {

// The three layers. Rows point into the task vectors: a ProjectStatus is
// moved, never copied (hence the deleted copy).
struct ProjectStatus {
  std::vector<Task> tables;   // bronze tables (the selected tasks)
  std::vector<Task> models;   // dbt models (ModelTasks), when the project has dbt:
  std::vector<Task> reports;  // Power BI tables (PowerBiTasks), when it has powerbi:
  std::vector<TableStatus> table_rows;
  std::vector<TableStatus> model_rows;
  std::vector<TableStatus> report_rows;
  std::optional<Manifest> manifest;   // the last manifest, when there is one
  std::vector<std::string> warnings;  // e.g. "cannot list the dbt models: …"

  ProjectStatus() = default;
  ProjectStatus(ProjectStatus&&) = default;
  ProjectStatus& operator=(ProjectStatus&&) = default;
  ProjectStatus(const ProjectStatus&) = delete;
  ProjectStatus& operator=(const ProjectStatus&) = delete;
};

// Which layers GatherStatus judges beyond `tables`.
struct StatusLayers {
  bool models = true;                    // with a dbt: block
  bool reports = true;                   // with a powerbi: block
  std::vector<std::string> frequencies;  // models and reports of these only; empty: all
};

// Judges `tables` and, per `layers`, the project's models and Power BI tables
// against `history` at `now`. Reads the last dbt manifest (never runs dbt);
// when it cannot, models are left out and a warning says why. Never throws
// for the manifest.
ProjectStatus GatherStatus(const Project& project, std::vector<Task> tables,
                           const StatusLayers& layers, const std::vector<TaskHistory>& history,
                           TimePoint now);

// StatusJson of `status`, Power BI tables included under "reports".
nlohmann::json ProjectStatusJson(const Project& project, const ProjectStatus& status,
                                 TimePoint now);

}  // namespace tributary
