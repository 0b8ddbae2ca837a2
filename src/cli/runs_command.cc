// tributary runs: the recent runs from the sink's run history, or one run's
// task results with their errors in full.
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "common/text_table.h"
#include "engine/connectors.h"
#include "engine/status_json.h"

namespace tributary::cli {
namespace {

struct RunsFlags {
  std::string run_id;
  int limit = 20;
  std::string format = "text";
};

std::string Utc(TimePoint t) {
  return fmt::format("{:%Y-%m-%d %H:%M:%S}Z", std::chrono::floor<std::chrono::seconds>(t));
}

std::string Took(TimePoint from, TimePoint to) {
  return FormatDuration(std::chrono::duration<double>(to - from).count());
}

std::string RenderRuns(const std::vector<RunRecord>& runs) {
  TextTable table({"run", "started (UTC)", "time", "status", "tables", "failed", "command"});
  for (size_t c : {2, 4, 5}) table.AlignRight(c);
  for (const auto& r : runs) {
    table.AddRow({r.run_id, Utc(r.started_at), r.ended_at ? Took(r.started_at, *r.ended_at) : "",
                  r.status, std::to_string(r.tasks_total), std::to_string(r.tasks_failed),
                  r.command});
  }
  return table.Render();
}

// One run: its record, a line per task, then each failed task's whole error.
std::string RenderRun(const RunRecord& run, const std::vector<TaskResult>& results,
                      const std::vector<SchemaChangeRecord>& changes) {
  std::string out =
      fmt::format("run {}: {}, started {}", run.run_id, run.status, Utc(run.started_at));
  if (run.ended_at) out += ", took " + Took(run.started_at, *run.ended_at);
  out += fmt::format("; {} tables, {} failed\ncommand: {}\n\n", run.tasks_total, run.tasks_failed,
                     run.command);
  TextTable table({"sink table", "strategy", "frequency", "rows", "time", "status"});
  table.AlignRight(3);
  table.AlignRight(4);
  for (const auto& r : results) {
    table.AddRow({r.task_id, r.strategy, r.frequency, FormatCount(r.rows),
                  Took(r.started_at, r.ended_at), r.status});
  }
  out += table.Render();
  if (!changes.empty()) out += "\nschema changes:\n";
  for (auto it = changes.rbegin(); it != changes.rend(); ++it) {
    out += fmt::format("  {}: {}\n", it->task_id, DescribeSchemaChange(*it));
  }
  for (const auto& r : results) {
    if (!IsSuccess(r)) out += fmt::format("\n{} {}:\n{}\n", r.task_id, r.status, r.error);
  }
  return out;
}

int ShowRuns(const GlobalOptions& global, const RunsFlags& flags) {
  auto project = LoadOrReport(global);
  if (!project) return kExitFailed;
  auto sink = OpenSink(*project);
  RunLog& log = sink->run_log();
  bool json = flags.format == "json";
  if (flags.run_id.empty()) {
    auto runs = log.ReadRuns(RunQuery{flags.limit, ""});
    if (!json) {
      std::cout << RenderRuns(runs);
      return kExitOk;
    }
    std::cout << RunListJson(runs).dump(2) << "\n";
    return kExitOk;
  }
  auto runs = log.ReadRuns(RunQuery{1, flags.run_id});
  if (runs.empty()) {
    std::cerr << "tributary: no run '" << flags.run_id
              << "' in the sink's run history; `tributary runs` lists the recent ones\n";
    return kExitUsage;
  }
  auto results = log.ReadRunResults(flags.run_id);
  auto changes = log.ReadSchemaChanges(SchemaChangeQuery{"", flags.run_id, 1000});
  if (!json) {
    std::cout << RenderRun(runs[0], results, changes);
    return kExitOk;
  }
  std::cout << RunDetailJson(runs[0], results, changes).dump(2) << "\n";
  return kExitOk;
}

}  // namespace

void AddRunsCommand(CLI::App& app, GlobalOptions& global) {
  auto flags = std::make_shared<RunsFlags>();
  auto* cmd = app.add_subcommand(
      "runs", "List the recent runs, or one run's tables with their errors in full");
  cmd->add_option("run_id", flags->run_id, "Show this run: each table's result, errors whole");
  cmd->add_option("-n,--limit", flags->limit, "Runs listed, newest first")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option("--format", flags->format, "text (default) or json (docs/json.md)")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->footer(
      "Runs come from the sink's _tributary.runs and _tributary.task_results (docs/state.md):\n"
      "`tributary run`, `backfill`, the scheduler's runs and the ticks it skipped, each with\n"
      "its dbt models. A run still going (or killed) shows status running. Exit status 2 for\n"
      "an unknown run id.");
  cmd->callback([&global, flags] { global.exit_code = ShowRuns(global, *flags); });
}

}  // namespace tributary::cli
