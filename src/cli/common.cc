// Pieces every command shares: loading the project, the filter flags.
#include <iostream>

#include "cli/cli.h"
#include "config/loader.h"

namespace tributary::cli {

void AddFilterOptions(CLI::App& command, TaskFilter& filter) {
  const char* group =
      "Filters (repeatable or comma-separated; default: everything; selecting nothing: exit 2)";
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

std::optional<std::vector<Task>> SelectOrReport(const Project& project, const TaskFilter& filter,
                                                bool empty_ok) {
  auto unknown = UnmatchedFilterValues(project, filter);
  for (const auto& message : unknown) std::cerr << "tributary: " << message << "\n";
  if (!unknown.empty()) return std::nullopt;
  auto tasks = SelectTasks(project, filter);
  if (tasks.empty() && !empty_ok && !FilterIsEmpty(filter)) {
    std::cerr << "tributary: the filters select no table ("
              << DescribeEmptySelection(project, filter) << "); see `tributary plan`\n";
    return std::nullopt;
  }
  return tasks;
}

bool DbtMayBuild(const Project& project, const TaskFilter& filter) {
  return project.dbt.enabled && filter.servers.empty() && filter.strategies.empty() &&
         filter.databases.empty() && filter.tables.empty();
}

bool CheckFrequencies(const Project& project, const std::vector<std::string>& frequencies) {
  TaskFilter filter;
  filter.frequencies = frequencies;
  auto unknown = UnmatchedFilterValues(project, filter);
  for (const auto& message : unknown) std::cerr << "tributary: " << message << "\n";
  return unknown.empty();
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
