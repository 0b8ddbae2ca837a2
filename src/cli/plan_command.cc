// tributary plan: list the tasks a run with the same filters would execute.
#include <iostream>

#include "cli/cli.h"
#include "common/text_table.h"

namespace tributary::cli {

void AddPlanCommand(CLI::App& app, GlobalOptions& global) {
  auto filter = std::make_shared<TaskFilter>();
  auto* cmd = app.add_subcommand("plan", "List the tables `run` would load with the same filters");
  AddFilterOptions(*cmd, *filter);
  cmd->callback([&global, filter] {
    auto project = LoadOrReport(global);
    if (!project) {
      global.exit_code = kExitFailed;
      return;
    }
    auto selected = SelectOrReport(*project, *filter, DbtMayBuild(*project, *filter));
    if (!selected) {
      global.exit_code = kExitUsage;
      return;
    }
    const std::vector<Task>& tasks = *selected;
    TextTable table({"sink table", "strategy", "server", "database", "source table", "frequency"});
    for (const auto& t : tasks) {
      std::string source =
          t.source_schema.empty() ? t.source_table : t.source_schema + "." + t.source_table;
      table.AddRow({t.id(), t.strategy, t.server, t.database, source, t.frequency});
    }
    std::cout << table.Render() << "\n"
              << tasks.size() << " of " << project->tasks.size() << " tables selected\n";
    PrintDbtPlan(*project, *filter);
  });
}

}  // namespace tributary::cli
