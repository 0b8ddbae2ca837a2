// tributary dbt …, and the dbt parts of run, plan, validate and status: the
// models built after the loads, on the same frequencies (docs/dbt.md).
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <fstream>
#include <iostream>

#include "cli/cli.h"
#include "common/text_table.h"
#include "dbt/dbt_cli.h"
#include "dbt/dbt_error.h"
#include "dbt/dbt_step.h"
#include "dbt/model_history.h"
#include "dbt/selectors_file.h"
#include "engine/connectors.h"
#include "engine/status.h"

namespace tributary::cli {
namespace {

// dbt follows the loads of a run by frequency (or of everything); a run
// narrowed to servers, strategies, databases or tables loads no models.
bool FiltersAllowDbt(const TaskFilter& f) {
  return f.servers.empty() && f.strategies.empty() && f.databases.empty() && f.tables.empty();
}

std::string FirstLine(const std::string& text, size_t max = 100) {
  std::string line = text.substr(0, text.find('\n'));
  return line.size() > max ? line.substr(0, max - 3) + "..." : line;
}

// dbt's messages put the database's error on the second line: one line of
// both, for the summary (the whole message is in the history and the log).
std::string OneLine(const std::string& text, size_t max = 160) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\t') c = ' ';
    if (c != ' ' || (!out.empty() && out.back() != ' ')) out += c;
  }
  return FirstLine(out, max);
}

std::string ModelSummary(const DbtStepResult& result) {
  TextTable table({"model", "frequency", "rows", "time", "status"});
  table.AlignRight(2);
  table.AlignRight(3);
  int built = 0;
  for (const auto& m : result.models) {
    double secs = std::chrono::duration<double>(m.ended_at - m.started_at).count();
    std::string status = m.status == "succeeded" ? "ok"
                         : m.status == "skipped" ? "SKIPPED: " + OneLine(m.message)
                                                 : "FAILED: " + OneLine(m.message);
    built += m.status == "succeeded";
    std::string rows = m.rows >= 0 ? FormatCount(m.rows) : "";  // dbt-duckdb does not say
    table.AddRow({m.name, m.frequency, rows, FormatDuration(secs), status});
  }
  return table.Render() + fmt::format("\ndbt: {} of {} models built; output in {}\n", built,
                                      result.models.size(), result.log_file.string());
}

void WriteSelectors(const GlobalOptions& global, const std::string& output, int& exit_code) {
  auto project = LoadOrReport(global);
  exit_code = kExitFailed;
  if (!project) return;
  if (!project->dbt.enabled) {
    std::cerr << "tributary: no dbt: block in tributary.yml; nothing to select\n";
    return;
  }
  try {
    Manifest manifest = ObtainManifest(*project, /*parse=*/true, nullptr);
    std::filesystem::path path = output.empty()
                                     ? ResolveDbtPaths(*project).project_dir / "selectors.yml"
                                     : std::filesystem::path(output);
    std::ofstream(path) << RenderSelectors(*project, manifest);
    std::cout << "wrote " << path.string() << "\n";
    exit_code = kExitOk;
  } catch (const Error& e) {
    std::cerr << "tributary: " << e.what() << "\n";
  }
}

// The last attempt of `model` (name or unique_id) with dbt's message in full.
int ShowModelError(const GlobalOptions& global, const std::string& model) {
  auto project = LoadOrReport(global);
  if (!project) return kExitFailed;
  auto history = OpenSink(*project)->run_log().ReadHistory();
  for (const auto& h : history) {
    if (!h.last_attempt || h.last_attempt->strategy != "dbt") continue;
    if (h.task_id != model && h.last_attempt->source_table != model) continue;
    const TaskResult& r = *h.last_attempt;
    std::cout << fmt::format("model {} ({}), run {}, ended {:%Y-%m-%d %H:%M:%S}Z: {}\n", r.task_id,
                             r.frequency, r.run_id,
                             std::chrono::floor<std::chrono::seconds>(r.ended_at), r.status);
    if (!r.error.empty()) std::cout << r.error << "\n";
    std::cout << "dbt's output of that run: "
              << (ResolveDbtPaths(*project).log_dir / (r.run_id + ".log")).string() << "\n";
    return r.status == "succeeded" ? kExitOk : kExitFailed;
  }
  std::cerr << "tributary: no run history for the model '" << model << "'\n";
  return kExitFailed;
}

}  // namespace

int RunDbtAfterLoad(const Project& project, const LoadFlags& flags, const RunSummary& summary,
                    const std::atomic<bool>* cancel) {
  if (!project.dbt.enabled || !FiltersAllowDbt(flags.filter)) return kExitOk;
  DbtStepRequest request;
  request.run_id =
      summary.run.run_id.empty() ? NewRunId(SystemClock::Instance()) : summary.run.run_id;
  request.frequencies = flags.filter.frequencies;
  request.cancel = cancel;
  for (const auto& r : summary.results) {
    if (r.status != "succeeded") request.failed_tables.insert(r.task_id);
  }
  DbtStepResult result = RunDbtStep(project, request, SystemClock::Instance());
  for (const auto& y : result.yielded) std::cout << "dbt: " << y << " (rule yield)\n";
  if (!result.models.empty()) std::cout << "\n" << ModelSummary(result);
  if (!result.error.empty()) {
    std::cerr << "tributary: dbt step of run " << request.run_id << " failed: " << result.error
              << "\n";
  }
  if (!result.models.empty()) {
    auto sink = OpenSink(project);
    RecordModelOutcomes(sink->run_log(), request.run_id, result);
  }
  return result.ok() ? kExitOk : kExitFailed;
}

void PrintDbtPlan(const Project& project, const TaskFilter& filter) {
  if (!project.dbt.enabled || !FiltersAllowDbt(filter)) return;
  try {
    std::string note;
    Manifest manifest = ObtainManifest(project, /*parse=*/true, &note);
    auto selection =
        PlanDbtStep(project, manifest, filter.frequencies, SystemClock::Instance().Now());
    TextTable table({"model", "frequency", "materialized", "file"});
    for (const auto& pick : selection.build) {
      table.AddRow({pick.model->name, pick.frequency, pick.model->materialized, pick.model->file});
    }
    std::cout << "\n"
              << table.Render() << "\n"
              << selection.build.size() << " of " << manifest.models.size() << " models selected\n";
    for (const auto& y : selection.yielded) std::cout << "dbt: " << y << " (rule yield)\n";
    if (!note.empty()) std::cout << "dbt: " << note << "\n";
  } catch (const Error& e) {
    std::cerr << "tributary: warning: cannot list the dbt models: " << e.what() << "\n";
  }
}

bool PrintModelStatus(const Project& project, const std::vector<TaskHistory>& history,
                      TimePoint now) {
  if (!project.dbt.enabled) return true;
  Manifest manifest;
  try {
    manifest = ObtainManifest(project, /*parse=*/false, nullptr);
  } catch (const Error& e) {
    std::cerr << "tributary: warning: cannot list the dbt models: " << e.what() << "\n";
    return true;
  }
  auto tasks = ModelTasks(project, manifest);
  auto rows = ComputeStatus(project, tasks, history, now);
  TextTable table({"model", "frequency", "last success (UTC)", "age", "health", "last error"});
  bool healthy = true;
  for (const auto& s : rows) {
    std::string success, age, error;
    if (s.last_success) {
      success = fmt::format("{:%Y-%m-%d %H:%M:%S}Z",
                            std::chrono::floor<std::chrono::seconds>(s.last_success->ended_at));
      age = FormatDuration(std::chrono::duration<double>(now - s.last_success->ended_at).count());
    }
    if (s.last_attempt && s.last_attempt->status != "succeeded") {
      error = FirstLine(s.last_attempt->error, 80);
    }
    table.AddRow({s.task->source_table, s.task->frequency, success, age,
                  s.health == Health::kNever ? "never built" : HealthName(s.health), error});
    healthy &= s.health == Health::kOk || s.health == Health::kDue;
  }
  std::cout << "\n" << table.Render();
  return healthy;
}

void AddDbtCommand(CLI::App& app, GlobalOptions& global) {
  auto* cmd = app.add_subcommand("dbt", "The dbt project built on the same frequencies");
  cmd->require_subcommand(1);
  auto output = std::make_shared<std::string>();
  auto* selectors = cmd->add_subcommand(
      "selectors", "Write selectors.yml: one selector per frequency naming the models it builds");
  selectors->add_option("-o,--output", *output,
                        "File to write (default: selectors.yml in the dbt project)");
  selectors->callback([&global, output] { WriteSelectors(global, *output, global.exit_code); });
  auto model = std::make_shared<std::string>();
  auto* error = cmd->add_subcommand(
      "error", "Show a model's last result with dbt's message in full (status shows one line)");
  error->add_option("model", *model, "Model name or unique_id")->required();
  error->callback([&global, model] { global.exit_code = ShowModelError(global, *model); });
}

}  // namespace tributary::cli
