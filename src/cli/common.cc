// Pieces every command shares: loading the project, the filter flags.
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <iostream>

#include "cli/cli.h"
#include "common/text_table.h"
#include "config/loader.h"
#include "engine/status.h"

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

std::string OneLine(const std::string& text, size_t max) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
    if (c != ' ' || (!out.empty() && out.back() != ' ')) out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out.size() > max ? out.substr(0, max - 3) + "..." : out;
}

bool PrintLayerStatus(const std::vector<TableStatus>& rows, TimePoint now,
                      const LayerStatusColumns& columns) {
  TextTable table(
      {columns.name_header, "frequency", "last success (UTC)", "age", "health", "last error"});
  bool healthy = true;
  for (const auto& s : rows) {
    std::string success, age, error;
    if (s.last_success) {
      success = fmt::format("{:%Y-%m-%d %H:%M:%S}Z",
                            std::chrono::floor<std::chrono::seconds>(s.last_success->ended_at));
      age = FormatDuration(std::chrono::duration<double>(now - s.last_success->ended_at).count());
    }
    if (s.last_attempt && !IsSuccess(*s.last_attempt)) error = OneLine(s.last_attempt->error, 80);
    table.AddRow({columns.name(*s.task), s.task->frequency, success, age,
                  s.health == Health::kNever ? columns.never : HealthName(s.health), error});
    healthy &= s.health == Health::kOk || s.health == Health::kDue;
  }
  std::cout << "\n" << table.Render();
  return healthy;
}

}  // namespace tributary::cli
