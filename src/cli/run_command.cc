// tributary run: load the selected tables, in parallel, and print a summary.
#include <fmt/format.h>
#include <unistd.h>

#include <csignal>
#include <iostream>

#include "cli/cli.h"
#include "cli/progress.h"
#include "common/log.h"
#include "common/text_table.h"
#include "engine/connectors.h"
#include "engine/runner.h"

namespace tributary::cli {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void OnSignal(int) { g_stop.store(true); }

std::string ShortError(const std::string& error) {
  std::string line = error.substr(0, error.find('\n'));
  return line.size() > 120 ? line.substr(0, 117) + "..." : line;
}

std::string Summary(const RunSummary& summary) {
  TextTable table({"sink table", "strategy", "frequency", "rows", "rows/s", "time", "status"});
  for (size_t c : {3, 4, 5}) table.AlignRight(c);
  for (const auto& r : summary.results) {
    double secs = std::chrono::duration<double>(r.ended_at - r.started_at).count();
    std::string rate = secs > 0 ? FormatCount(static_cast<long long>(r.rows / secs)) : "";
    std::string status = r.status == "succeeded" ? "ok" : "FAILED: " + ShortError(r.error);
    table.AddRow({r.task_id, r.strategy, r.frequency, FormatCount(r.rows), rate,
                  FormatDuration(secs), status});
  }
  double total =
      std::chrono::duration<double>(*summary.run.ended_at - summary.run.started_at).count();
  return table.Render() + fmt::format("\nrun {}: {} of {} tables loaded, {} failed, in {}\n",
                                      summary.run.run_id, summary.results.size() - summary.failed(),
                                      summary.run.tasks_total, summary.failed(),
                                      FormatDuration(total));
}

}  // namespace

int RunLoad(const GlobalOptions& global, const LoadFlags& flags, const std::string& command,
            const TaskCheck& check, const AfterLoad& after) {
  auto project = LoadOrReport(global);
  if (!project) return kExitFailed;
  bool models_only_ok = after != nullptr && DbtMayBuild(*project, flags.filter);
  auto selected = SelectOrReport(*project, flags.filter, models_only_ok);
  if (!selected) return kExitUsage;
  const std::vector<Task>& tasks = *selected;
  if (tasks.empty()) {  // the dbt step may still have models to build
    std::cerr << "tributary: no table selected; nothing to load\n";
    return after ? after(*project, RunSummary{}) : kExitOk;
  }
  if (check && !check(tasks)) return kExitUsage;
  auto sink = OpenSink(*project);
  RunOptions options;
  options.command = command;
  options.threads = flags.threads > 0 ? flags.threads : project->defaults.threads;
  int batch_rows = flags.batch_rows > 0 ? flags.batch_rows : project->defaults.batch_rows;
  options.limits.max_rows = static_cast<size_t>(batch_rows);
  options.cancel = &g_stop;
  options.reload = flags.reload;
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  RunSummary summary;
  {
    bool live = isatty(STDERR_FILENO) && GetLogFormat() == LogFormat::kText;
    options.estimate_rows = live;  // the percentage and ETA of the live display
    ConsoleProgress progress(live);
    summary = RunTasks(*project, tasks, *sink, SystemClock::Instance(), options, progress);
  }
  if (GetLogFormat() == LogFormat::kText) std::cout << "\n" << Summary(summary);
  if (g_stop.load()) return kExitFailed;
  int code = summary.failed() == 0 ? kExitOk : kExitFailed;
  sink.reset();  // dbt-duckdb attaches the bronze file: one writer per DuckDB file
  LogScope run_scope(
      LogFields{{"run_id", summary.run.run_id}});  // the dbt and Power BI steps' events
  if (after && after(*project, summary) != kExitOk) code = kExitFailed;
  return code;
}

void AddRunCommand(CLI::App& app, GlobalOptions& global) {
  auto flags = std::make_shared<LoadFlags>();
  auto* cmd = app.add_subcommand("run", "Load the selected tables into the sink");
  cmd->footer(
      "Tables load in parallel; one failing does not stop the others. The exit status is 1\n"
      "when any table failed. Every run and table result is recorded in the sink's _tributary\n"
      "schema (see `tributary status`).");
  AddFilterOptions(*cmd, flags->filter);
  cmd->add_option("-j,--threads", flags->threads,
                  "Tables loaded at once (default: defaults.threads)")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--batch-rows", flags->batch_rows,
                  "Rows per batch (default: defaults.batch_rows)")
      ->check(CLI::Range(1, 10'000'000));
  auto no_dbt = std::make_shared<bool>(false);
  cmd->add_flag("--no-dbt", *no_dbt, "Load only: do not build the dbt models (see docs/dbt.md)");
  auto no_powerbi = std::make_shared<bool>(false);
  cmd->add_flag("--no-powerbi", *no_powerbi,
                "Do not refresh the Power BI tables after the dbt models (see docs/powerbi.md)");
  cmd->add_flag_function(
      "--full-refresh", [flags](int64_t) { flags->reload.kind = Reload::Kind::kFullRefresh; },
      "Forget the stored state (watermarks, log positions) of the selected tables and rebuild "
      "them from the source");
  cmd->callback([&global, flags, no_dbt, no_powerbi] {
    std::string command = "run " + DescribeFilter(flags->filter);
    if (flags->reload.kind == Reload::Kind::kFullRefresh) command += " --full-refresh";
    AfterLoad dbt = [flags, no_powerbi](const Project& project, const RunSummary& summary) {
      int code = RunDbtAfterLoad(project, *flags, summary, &g_stop);
      if (*no_powerbi) return code;
      return RunPowerBiAfterDbt(project, *flags, summary, &g_stop) == kExitOk ? code : kExitFailed;
    };
    global.exit_code = RunLoad(global, *flags, command, nullptr, *no_dbt ? nullptr : dbt);
  });
}

}  // namespace tributary::cli
