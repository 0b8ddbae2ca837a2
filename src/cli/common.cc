// Pieces every command shares: loading the project, the filter flags.
#include <iostream>

#include "cli/cli.h"
#include "config/loader.h"

namespace tributary::cli {

void AddFilterOptions(CLI::App& command, TaskFilter& filter) {
  const char* group = "Filters (repeatable or comma-separated; default: everything)";
  command.add_option("--server", filter.servers, "Only tables on these servers")->group(group);
  command.add_option("--strategy", filter.strategies, "Only these strategies")->group(group);
  command.add_option("--database", filter.databases, "Only these databases")->group(group);
  command.add_option("--frequency", filter.frequencies, "Only these frequencies")->group(group);
  command
      .add_option("--tables", filter.tables,
                  "Only these tables: source name, schema.table or sink table; * globs")
      ->group(group);
}

std::optional<Project> LoadOrReport(const GlobalOptions& global) {
  LoadResult result = LoadProject(global.project_dir);
  if (!result.diagnostics.empty()) std::cerr << result.diagnostics.RenderText();
  if (!result.project || result.diagnostics.HasErrors()) {
    std::cerr << "tributary: the project has errors; fix them and run again (`tributary validate` "
                 "lists them all)\n";
    return std::nullopt;
  }
  return std::move(result.project);
}

std::vector<Task> SelectOrWarn(const Project& project, const TaskFilter& filter) {
  for (const auto& warning : UnmatchedFilterValues(project, filter)) {
    std::cerr << "tributary: warning: " << warning << "\n";
  }
  return SelectTasks(project, filter);
}

std::string DescribeFilter(const TaskFilter& filter) {
  std::string out;
  auto add = [&](const char* flag, const std::vector<std::string>& values) {
    for (const auto& v : values) out += (out.empty() ? "" : " ") + std::string(flag) + " " + v;
  };
  add("--server", filter.servers);
  add("--strategy", filter.strategies);
  add("--database", filter.databases);
  add("--frequency", filter.frequencies);
  add("--tables", filter.tables);
  return out;
}

}  // namespace tributary::cli
