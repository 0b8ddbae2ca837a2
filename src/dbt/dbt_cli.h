// The project's dbt executable, run as a subprocess with the `dbt:` block's
// directories, target, flags and vars. Artifacts go to tributary's own target
// path (<project>/.tributary/dbt/target), so a person running dbt by hand in
// the same project never overwrites the manifest or run results tributary is
// reading; every invocation's output is appended to a log file of its own
// under <project>/.tributary/dbt/logs, which is never deleted by tributary.
// dbt's profiles find bronze in the environment: TRIBUTARY_PROJECT_DIR,
// TRIBUTARY_BRONZE_SCHEMA, and TRIBUTARY_BRONZE_PATH (duckdb sink) or
// TRIBUTARY_PG_HOST/PORT/DATABASE/USER (postgresql sink, when not secrets).
#pragma once

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "config/project.h"
#include "dbt/manifest.h"
#include "dbt/subprocess.h"

namespace tributary {

struct DbtPaths {
  std::filesystem::path executable;   // absolute; empty when it cannot be found
  std::filesystem::path project_dir;  // the dbt project (holds dbt_project.yml)
  std::filesystem::path profiles_dir;
  std::filesystem::path work_dir;    // <project>/.tributary/dbt
  std::filesystem::path target_dir;  // work_dir/target
  std::filesystem::path log_dir;     // work_dir/logs
  std::filesystem::path lock_file;   // work_dir/dbt.lock: one dbt at a time per project
};

// REQUIRES: project.dbt.enabled. Never throws.
DbtPaths ResolveDbtPaths(const Project& project);

struct DbtInvocation {
  std::vector<std::string> args;  // as run, args[0] the executable
  std::filesystem::path log_file;
  SubprocessResult result;
};

// Thread-compatible; holds no process between calls.
class DbtCli {
 public:
  // REQUIRES: project.dbt.enabled; `project` outlives this object.
  explicit DbtCli(const Project& project);

  const DbtPaths& paths() const { return paths_; }

  // `dbt <command> [--select …] --project-dir … --profiles-dir … [--target …]
  // --target-path … --log-path … --no-use-colors [--vars …] <flags>`.
  std::vector<std::string> CommandLine(const std::string& command,
                                       const std::vector<std::string>& select = {}) const;

  // Runs it, output appended to log_dir/<log_name>.log. Throws DbtError when
  // the executable is missing or cannot start; a non-zero exit is returned.
  DbtInvocation Run(const std::string& command, const std::vector<std::string>& select,
                    const std::string& log_name, const std::atomic<bool>* cancel) const;

  // `dbt parse`, then the manifest it wrote. Throws DbtError naming the dbt
  // project, the exit status, the end of dbt's output and the log file.
  // Skipped when nothing dbt reads to parse changed since the last successful
  // parse (ProjectStamp): the manifest that parse wrote is read instead, so an
  // idle frequent run does not start dbt at all.
  Manifest Parse(const std::string& log_name, const std::atomic<bool>* cancel) const;

  // What a parse depends on: every file under the project and profiles
  // folders (path, size, modification time; not target/, logs/ or hidden
  // folders) and the parse command line. Environment variables the project
  // reads at parse time are not part of it.
  std::string ProjectStamp() const;

 private:
  const Project& project_;
  DbtPaths paths_;
};

// The last `lines` lines of a log file (dbt's error is at its end).
std::string LogTail(const std::filesystem::path& log_file, int lines);

}  // namespace tributary
