// The tributary command line: one file per command. Commands only parse
// flags, call tributary_core and print; the exit code says what happened.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/filter.h"
#include "config/project.h"
#include "dbt/dbt_step.h"
#include "engine/runner.h"
#include "engine/status.h"
#include "strategy/strategy.h"

namespace tributary::cli {

// Exit codes, documented in --help.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;  // invalid config, or a table failed to load
inline constexpr int kExitUsage = 2;   // bad command-line arguments

// Options every command shares, filled by CLI11 before a command runs.
struct GlobalOptions {
  std::string project_dir = ".";
  std::string log_format = "text";
  bool verbose = false;
  int exit_code = kExitOk;
};

// The --server --strategy --database --frequency --tables filter flags.
void AddFilterOptions(CLI::App& command, TaskFilter& filter);

// Loads and validates the project; on errors prints them to stderr and
// returns nullopt. Warnings are printed and do not stop the command.
std::optional<Project> LoadOrReport(const GlobalOptions& global);

// Selects the tasks matching `filter`. A filter value that names nothing in
// the project (a typo, or a stale name in a scheduled job) is a usage error,
// printed with a did-you-mean; so are filters whose names all exist but that
// select no table together — unless `empty_ok`. Returns nullopt once the
// error is printed: the command exits kExitUsage. No filter at all is never
// an error, whatever the project holds.
std::optional<std::vector<Task>> SelectOrReport(const Project& project, const TaskFilter& filter,
                                                bool empty_ok = false);

// True when a run with `filter` has a dbt step (the project has a dbt: block
// and the filters name only frequencies): such a selection may hold no table
// and still build models.
bool DbtMayBuild(const Project& project, const TaskFilter& filter);

// Checks `--frequency` values of `schedule next|run`: every one must be a
// declared frequency. Prints the error (with a did-you-mean) and returns
// false otherwise.
bool CheckFrequencies(const Project& project, const std::vector<std::string>& frequencies);

// Describes the filter the way it was given on the command line.
std::string DescribeFilter(const TaskFilter& filter);

// What `run` and `backfill` were asked.
struct LoadFlags {
  TaskFilter filter;
  int threads = 0;  // 0: the project's default
  int batch_rows = 0;
  Reload reload;
};

// Refuses a selection before anything runs (printing why); nullptr: none.
using TaskCheck = std::function<bool(const std::vector<Task>&)>;

// Runs after the loads, with the sink closed (the dbt step); returns an exit
// code that is combined with the loads'.
using AfterLoad = std::function<int(const Project&, const RunSummary&)>;

// Loads the selected tables with live progress and prints a summary; the
// shared body of `run` and `backfill`. Returns the exit code.
int RunLoad(const GlobalOptions& global, const LoadFlags& flags, const std::string& command,
            const TaskCheck& check = nullptr, const AfterLoad& after = nullptr);

// The dbt step after the loads of `run` (cli/dbt_command.cc): builds the
// models of the run's frequencies when the project has a dbt: block and the
// filters name only frequencies. REQUIRES: the run's sink is closed (dbt
// attaches the DuckDB bronze file). Records each model in the run history.
// Returns the exit code of the dbt part.
int RunDbtAfterLoad(const Project& project, const LoadFlags& flags, const RunSummary& summary,
                    const std::atomic<bool>* cancel);
// The dbt step of a run of `frequencies` whose loads gave `summary`, with
// each model recorded in the run history; for the scheduler, which logs
// instead of printing. Never throws. REQUIRES: project.dbt.enabled, the sink
// closed (as above).
DbtStepResult RunAndRecordDbtStep(const Project& project,
                                  const std::vector<std::string>& frequencies,
                                  const RunSummary& summary, const std::atomic<bool>* cancel);
// `plan`: the models a run with `filter` would build (nothing without dbt:).
void PrintDbtPlan(const Project& project, const TaskFilter& filter);
// `status`: one line per model; false when any is overdue, failing or never built.
bool PrintModelStatus(const std::vector<TableStatus>& rows, TimePoint now);

// A message on one line of at most `max` characters: line breaks and runs of
// blanks become one space (dbt puts the database's error on its second line),
// "..." where it is cut. For summaries; the whole text is in the history.
std::string OneLine(const std::string& text, size_t max = 160);

// The `status` table of a layer after bronze (dbt models, Power BI tables):
// name, frequency, last success, age, health, the last failed attempt's error
// on one line. Returns false when any row is overdue, failing or never done.
struct LayerStatusColumns {
  std::string name_header;  // "model", "Power BI table"
  std::string never;        // the health shown for Health::kNever: "never built"
  std::function<std::string(const Task&)> name;
};
bool PrintLayerStatus(const std::vector<TableStatus>& rows, TimePoint now,
                      const LayerStatusColumns& columns);

// The Power BI step after the dbt step of `run` (cli/powerbi_command.cc):
// refreshes the tables whose dbt models that step built, one request per
// semantic model, when the project has a powerbi: block and the filters name
// only frequencies. Records each table in the run history. Returns the exit
// code of the Power BI part.
int RunPowerBiAfterDbt(const Project& project, const LoadFlags& flags, const RunSummary& summary,
                       const std::atomic<bool>* cancel);
// `plan`: the Power BI tables a run with `filter` refreshes when their models build.
void PrintPowerBiPlan(const Project& project, const TaskFilter& filter);
// `status`: one line per Power BI table; false when any is overdue, failing or never refreshed.
bool PrintPowerBiStatus(const std::vector<TableStatus>& rows, TimePoint now);

void AddValidateCommand(CLI::App& app, GlobalOptions& global);
void AddCheckCommand(CLI::App& app, GlobalOptions& global);
void AddPlanCommand(CLI::App& app, GlobalOptions& global);
void AddRunCommand(CLI::App& app, GlobalOptions& global);
void AddStatusCommand(CLI::App& app, GlobalOptions& global);
void AddDocsCommand(CLI::App& app, GlobalOptions& global);
void AddScheduleCommand(CLI::App& app, GlobalOptions& global);
void AddJobsCommand(CLI::App& app, GlobalOptions& global);
void AddBackfillCommand(CLI::App& app, GlobalOptions& global);
void AddCompactCommand(CLI::App& app, GlobalOptions& global);
void AddVacuumCommand(CLI::App& app, GlobalOptions& global);
void AddDeltaCommand(CLI::App& app, GlobalOptions& global);
void AddCdcCommand(CLI::App& app, GlobalOptions& global);
void AddDbtCommand(CLI::App& app, GlobalOptions& global);
void AddPowerBiCommand(CLI::App& app, GlobalOptions& global);
void AddRunsCommand(CLI::App& app, GlobalOptions& global);
void AddServeCommand(CLI::App& app, GlobalOptions& global);

}  // namespace tributary::cli
