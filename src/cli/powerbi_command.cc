// tributary powerbi refresh, and the Power BI parts of run and status: the
// semantic-model tables refreshed after the dbt models they read
// (docs/powerbi.md).
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <iostream>

#include "cli/cli.h"
#include "common/text_table.h"
#include "dbt/dbt_step.h"
#include "engine/connectors.h"
#include "engine/status.h"
#include "powerbi/powerbi_history.h"
#include "powerbi/refresh_runner.h"

namespace tributary::cli {
namespace {

std::optional<Manifest> LastManifest(const Project& project) {
  try {
    return ObtainManifest(project, /*parse=*/false, nullptr);
  } catch (const Error& e) {
    std::cerr << "tributary: warning: no dbt manifest (" << e.what()
              << "); Power BI tables without a frequency of their own use dbt.default_frequency\n";
    return std::nullopt;
  }
}

std::string Summary(const std::vector<TableOutcome>& outcomes) {
  TextTable table({"semantic model", "table", "frequency", "time", "status"});
  table.AlignRight(3);
  int ok = 0;
  for (const auto& o : outcomes) {
    double secs = std::chrono::duration<double>(o.ended_at - o.started_at).count();
    ok += o.status == "succeeded";
    table.AddRow({o.ref.semantic_model->name, o.ref.table->table, o.ref.frequency,
                  FormatDuration(secs),
                  o.status == "succeeded" ? "ok" : "FAILED: " + OneLine(o.error)});
  }
  return table.Render() +
         fmt::format("\npowerbi: {} of {} tables refreshed\n", ok, outcomes.size());
}

// The refresh deadline: powerbi.timeout_minutes, shortened by the timeout of
// a frequency the run was asked for.
std::chrono::milliseconds Timeout(const Project& project,
                                  const std::vector<std::string>& frequencies) {
  int minutes = project.powerbi.timeout_minutes;
  for (const auto& name : frequencies) {
    const FrequencyConfig* f = project.FindFrequency(name);
    if (f != nullptr && f->timeout_minutes > 0) minutes = std::min(minutes, f->timeout_minutes);
  }
  return std::chrono::minutes(minutes);
}

// Plans, refreshes, prints and records; the exit code.
int Refresh(const Project& project, RefreshPlanRequest request, const std::string& run_id,
            const std::atomic<bool>* cancel) {
  auto manifest = LastManifest(project);
  {
    auto sink = OpenSink(project);  // closed while refreshing: other runs may load meanwhile
    request.history = sink->run_log().ReadHistory();
  }
  RefreshPlan plan = PlanRefreshes(project, manifest ? &*manifest : nullptr, request);
  if (plan.refreshes.empty() && plan.skipped.empty()) {
    std::cout << "\npowerbi: no Power BI table is due\n";
    return kExitOk;
  }
  RefreshOptions options;
  options.timeout = Timeout(project, request.frequencies);
  options.cancel = cancel;
  auto outcomes = RunRefreshes(project, plan, options, SystemClock::Instance());
  std::cout << "\n" << Summary(outcomes);
  bool failed = false;
  for (const auto& o : outcomes) {
    if (o.status == "succeeded") continue;
    failed = true;
    std::cerr << "tributary: " << o.error << "\n";
  }
  auto sink = OpenSink(project);
  RecordRefreshOutcomes(sink->run_log(), run_id, outcomes);
  return failed ? kExitFailed : kExitOk;
}

struct RefreshFlags {
  std::vector<std::string> frequencies;
  std::vector<std::string> models;
  std::vector<std::string> tables;
};

int RefreshCommand(const GlobalOptions& global, const RefreshFlags& flags) {
  auto project = LoadOrReport(global);
  if (!project) return kExitFailed;
  if (!project->powerbi.enabled) {
    std::cerr << "tributary: no powerbi: block in tributary.yml; nothing to refresh\n";
    return kExitFailed;
  }
  RefreshPlanRequest request;
  request.frequencies = flags.frequencies;
  request.models = flags.models;
  request.tables = flags.tables;
  return Refresh(*project, request, NewRunId(SystemClock::Instance()), nullptr);
}

}  // namespace

int RunPowerBiAfterDbt(const Project& project, const LoadFlags& flags, const RunSummary& summary,
                       const std::atomic<bool>* cancel) {
  const TaskFilter& f = flags.filter;
  bool frequencies_only =
      f.servers.empty() && f.strategies.empty() && f.databases.empty() && f.tables.empty();
  if (!project.powerbi.enabled || !project.dbt.enabled || !frequencies_only) return kExitOk;
  if (cancel != nullptr && cancel->load()) return kExitFailed;
  RefreshPlanRequest request;
  request.frequencies = f.frequencies;
  // The dbt step recorded its models under the run's id (a fresh id when
  // no table was selected: then the models' last builds decide).
  request.dbt_run_id = summary.run.run_id;
  std::string run_id =
      summary.run.run_id.empty() ? NewRunId(SystemClock::Instance()) : summary.run.run_id;
  return Refresh(project, request, run_id, cancel);
}

void PrintPowerBiPlan(const Project& project, const TaskFilter& f) {
  bool frequencies_only =
      f.servers.empty() && f.strategies.empty() && f.databases.empty() && f.tables.empty();
  if (!project.powerbi.enabled || !project.dbt.enabled || !frequencies_only) return;
  auto manifest = LastManifest(project);
  RefreshPlanRequest request;
  request.frequencies = f.frequencies;
  RefreshPlan plan = PlanRefreshes(project, manifest ? &*manifest : nullptr, request);
  TextTable table({"semantic model", "Power BI table", "frequency", "dbt model", "incremental"});
  size_t n = 0;
  for (const auto& r : plan.refreshes) {
    for (const auto& t : r.tables) {
      table.AddRow({r.semantic_model->name, t.table->table, t.frequency, t.table->model,
                    t.table->incremental ? "yes" : ""});
      ++n;
    }
  }
  std::cout << "\n"
            << table.Render() << "\n"
            << n << " of " << AllPowerBiTables(project, manifest ? &*manifest : nullptr).size()
            << " Power BI tables refreshed when their dbt models build (one request per "
               "semantic model)\n";
}

bool PrintPowerBiStatus(const std::vector<TableStatus>& rows, TimePoint now) {
  return PrintLayerStatus(rows, now, {"Power BI table", "never refreshed", [](const Task& t) {
                                        return t.database + "." + t.source_table;
                                      }});
}

void AddPowerBiCommand(CLI::App& app, GlobalOptions& global) {
  auto* cmd = app.add_subcommand(
      "powerbi", "The Power BI semantic models refreshed after their dbt models (docs/powerbi.md)");
  cmd->require_subcommand(1);
  auto flags = std::make_shared<RefreshFlags>();
  auto* refresh = cmd->add_subcommand(
      "refresh", "Refresh the due Power BI tables now: one request per semantic model");
  refresh->footer(
      "A table is due when its frequency is selected (or more frequent than a selected one) and\n"
      "its dbt model's last build did not fail; a table whose last refresh failed is due again.\n"
      "Exit status 1 when any table failed; every result is in the run history (`status`).");
  refresh
      ->add_option("--frequency", flags->frequencies,
                   "Only tables of these frequencies (and more frequent ones)")
      ->delimiter(',');
  refresh->add_option("--models", flags->models, "Only these semantic models (names in powerbi:)")
      ->delimiter(',');
  refresh
      ->add_option("--tables", flags->tables,
                   "Only these tables: table names or powerbi.<model>.<table>")
      ->delimiter(',');
  refresh->callback([&global, flags] { global.exit_code = RefreshCommand(global, *flags); });
}

}  // namespace tributary::cli
