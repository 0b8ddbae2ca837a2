#include "config/loader.h"

#include <fmt/format.h>

#include <map>

#include "config/kinds.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;

// Two tables must never land in one sink table: the second would overwrite
// the first on every run.
void CheckSinkTablesUnique(const Project& project, Diagnostics& diagnostics) {
  std::map<std::string, const Task*> first;
  for (const auto& task : project.tasks) {
    auto [it, fresh] = first.try_emplace(task.sink_table, &task);
    if (fresh) continue;
    const Task& other = *it->second;
    diagnostics.Error(
        task.where,
        fmt::format("sink table '{}' is already the target of table '{}' ({} strategy) at {}:{}",
                    task.sink_table, other.source_table, other.strategy, other.where.file,
                    other.where.line),
        "two tables cannot land in one sink table: set a different sink_table on one of them");
  }
}

void CheckSinkName(const Project& project, Diagnostics& diagnostics) {
  const SinkKind* kind = FindSinkKind(project.sink.kind);
  if (kind && kind->single_file && fs::path(project.sink.path).stem() == project.sink.schema) {
    diagnostics.Warning(project.sink.where,
                        fmt::format("the DuckDB file '{}' has the same name as the schema '{}'",
                                    project.sink.path, project.sink.schema),
                        "DuckDB names the database after the file, so '" + project.sink.schema +
                            ".table' becomes ambiguous in your own queries; rename the file");
  }
}

}  // namespace

LoadResult LoadProject(const fs::path& dir, const LoadOptions& options) {
  LoadResult result;
  Project project;
  std::error_code ec;
  project.dir = fs::absolute(dir, ec);
  LoadProjectFile(project.dir, project, result.diagnostics, options);
  if (fs::exists(project.dir / "tributary.yml")) {
    LoadIngestFiles(project.dir, project, result.diagnostics);
    CheckSinkTablesUnique(project, result.diagnostics);
    CheckSinkName(project, result.diagnostics);
    result.project = std::move(project);
  }
  return result;
}

}  // namespace tributary
