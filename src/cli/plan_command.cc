// tributary plan: list the tasks a run with the same filters would execute.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "common/error.h"
#include "common/text_table.h"
#include "dbt/dbt_step.h"

namespace tributary::cli {
namespace {

struct PlanFlags {
  TaskFilter filter;
  std::string format = "text";
};

nlohmann::json TaskJson(const Task& t) {
  return {{"task_id", t.id()},
          {"strategy", t.strategy},
          {"server", t.server},
          {"database", t.database},
          {"source_schema",
           t.source_schema.empty() ? nlohmann::json() : nlohmann::json(t.source_schema)},
          {"source_table", t.source_table},
          {"frequency", t.frequency}};
}

// The models a run with `filter` would build, as JSON (docs/json.md).
nlohmann::json ModelsJson(const Project& project, const TaskFilter& filter) {
  auto models = nlohmann::json::array();
  if (!DbtMayBuild(project, filter)) return models;
  try {
    Manifest manifest = ObtainManifest(project, /*parse=*/true, nullptr);
    auto selection =
        PlanDbtStep(project, manifest, filter.frequencies, SystemClock::Instance().Now());
    for (const auto& pick : selection.build) {
      models.push_back({{"model", pick.model->name},
                        {"unique_id", pick.model->unique_id},
                        {"frequency", pick.frequency},
                        {"materialized", pick.model->materialized},
                        {"file", pick.model->file}});
    }
  } catch (const Error& e) {
    std::cerr << "tributary: warning: cannot list the dbt models: " << e.what() << "\n";
  }
  return models;
}

int Plan(const GlobalOptions& global, const PlanFlags& flags) {
  auto project = LoadOrReport(global);
  if (!project) return kExitFailed;
  auto selected = SelectOrReport(*project, flags.filter, DbtMayBuild(*project, flags.filter));
  if (!selected) return kExitUsage;
  const std::vector<Task>& tasks = *selected;
  if (flags.format == "json") {
    nlohmann::json out = {{"project", project->name},
                          {"tables_total", project->tasks.size()},
                          {"tables", nlohmann::json::array()},
                          {"models", ModelsJson(*project, flags.filter)}};
    for (const auto& t : tasks) out["tables"].push_back(TaskJson(t));
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  TextTable table({"sink table", "strategy", "server", "database", "source table", "frequency"});
  for (const auto& t : tasks) {
    std::string source =
        t.source_schema.empty() ? t.source_table : t.source_schema + "." + t.source_table;
    table.AddRow({t.id(), t.strategy, t.server, t.database, source, t.frequency});
  }
  std::cout << table.Render() << "\n"
            << tasks.size() << " of " << project->tasks.size() << " tables selected\n";
  PrintDbtPlan(*project, flags.filter);
  PrintPowerBiPlan(*project, flags.filter);
  return kExitOk;
}

}  // namespace

void AddPlanCommand(CLI::App& app, GlobalOptions& global) {
  auto flags = std::make_shared<PlanFlags>();
  auto* cmd = app.add_subcommand("plan", "List the tables `run` would load with the same filters");
  AddFilterOptions(*cmd, flags->filter);
  cmd->add_option("--format", flags->format, "text (default) or json (docs/json.md)")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->callback([&global, flags] { global.exit_code = Plan(global, *flags); });
}

}  // namespace tributary::cli
