// tributary dbt …, and the dbt parts of run, plan, validate and status: the
// models built after the loads, on the same frequencies (docs/dbt.md).
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <fstream>
#include <iostream>

#include "cli/cli.h"
#include "common/files.h"
#include "common/text_table.h"
#include "dbt/dbt_cli.h"
#include "dbt/dbt_error.h"
#include "dbt/dbt_step.h"
#include "dbt/model_history.h"
#include "dbt/selectors_file.h"
#include "dbt/sources_file.h"
#include "engine/connectors.h"
#include "engine/status.h"

namespace tributary::cli {
namespace {

// dbt follows the loads of a run by frequency (or of everything); a run
// narrowed to servers, strategies, databases or tables loads no models.
bool FiltersAllowDbt(const TaskFilter& f) {
  return f.servers.empty() && f.strategies.empty() && f.databases.empty() && f.tables.empty();
}

std::string ModelSummary(const DbtStepResult& result) {
  TextTable table({"model", "frequency", "rows", "time", "status"});
  table.AlignRight(2);
  table.AlignRight(3);
  int built = 0;
  int unchanged = 0;
  for (const auto& m : result.models) {
    double secs = std::chrono::duration<double>(m.ended_at - m.started_at).count();
    std::string status = m.status == "succeeded"   ? "ok"
                         : m.status == "unchanged" ? "unchanged"
                         : m.status == "skipped"   ? "SKIPPED: " + OneLine(m.message)
                                                   : "FAILED: " + OneLine(m.message);
    built += m.status == "succeeded";
    unchanged += m.status == "unchanged";
    std::string rows = m.rows >= 0 ? FormatCount(m.rows) : "";  // dbt-duckdb does not say
    table.AddRow({m.name, m.frequency, rows, FormatDuration(secs), status});
  }
  std::string left_out =
      unchanged > 0 ? fmt::format(", {} unchanged (skip_unchanged)", unchanged) : "";
  return table.Render() + fmt::format("\ndbt: {} of {} models built{}; output in {}\n", built,
                                      result.models.size(), left_out, result.log_file.string());
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

struct SourcesFlags {
  std::string output;
  std::string source_name = "bronze";
  std::string database;
  bool database_given = false;
  bool force = false;
};

constexpr const char* kSourcesMark = "# Written by `tributary dbt sources`";

// Prints sources.yml, or writes it to a file that is new or one it wrote
// before (never over a file of the team's own unless forced).
int WriteSources(const GlobalOptions& global, const SourcesFlags& flags) {
  auto project = LoadOrReport(global);
  if (!project) return kExitFailed;
  SourcesOptions options;
  options.source_name = flags.source_name;
  options.database = flags.database_given ? flags.database : DefaultSourceDatabase(*project);
  std::string text = RenderSources(*project, options);
  if (flags.output.empty()) {
    std::cout << text;
    return kExitOk;
  }
  auto existing = ReadWholeFile(flags.output);
  if (existing && existing->rfind(kSourcesMark, 0) != 0 && !flags.force) {
    std::cerr << "tributary: " << flags.output
              << " exists and was not written by `tributary dbt sources`; choose another file or "
                 "pass --force to replace it\n";
    return kExitFailed;
  }
  try {
    ReplaceFileAtomically(flags.output, text);
  } catch (const Error& e) {
    std::cerr << "tributary: " << e.what() << "\n";
    return kExitFailed;
  }
  std::cout << "wrote " << flags.output << " (" << project->tasks.size() << " tables)\n";
  return kExitOk;
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

DbtStepResult RunAndRecordDbtStep(const Project& project,
                                  const std::vector<std::string>& frequencies,
                                  const RunSummary& summary, const std::atomic<bool>* cancel) {
  DbtStepRequest request;
  request.run_id =
      summary.run.run_id.empty() ? NewRunId(SystemClock::Instance()) : summary.run.run_id;
  request.frequencies = frequencies;
  request.cancel = cancel;
  for (const auto& r : summary.results) {
    if (r.status != "succeeded") request.failed_tables.insert(r.task_id);
  }
  DbtStepResult result;
  try {
    // The history after this run's loads; the sink is closed again at once
    // (one writer per DuckDB file: dbt attaches bronze next).
    if (project.dbt.skip_unchanged) request.history = OpenSink(project)->run_log().ReadHistory();
    result = RunDbtStep(project, request, SystemClock::Instance());
    if (!result.models.empty()) {
      auto sink = OpenSink(project);
      RecordModelOutcomes(sink->run_log(), request.run_id, result);
    }
  } catch (const Error& e) {
    if (result.error.empty()) result.error = e.what();
  }
  if (!result.error.empty())
    result.error = "dbt step of run " + request.run_id + " failed: " + result.error;
  return result;
}

int RunDbtAfterLoad(const Project& project, const LoadFlags& flags, const RunSummary& summary,
                    const std::atomic<bool>* cancel) {
  if (!project.dbt.enabled || !FiltersAllowDbt(flags.filter)) return kExitOk;
  DbtStepResult result = RunAndRecordDbtStep(project, flags.filter.frequencies, summary, cancel);
  for (const auto& y : result.yielded) std::cout << "dbt: " << y << " (rule yield)\n";
  if (!result.models.empty()) std::cout << "\n" << ModelSummary(result);
  if (!result.error.empty()) std::cerr << "tributary: " << result.error << "\n";
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

bool PrintModelStatus(const std::vector<TableStatus>& rows, TimePoint now) {
  return PrintLayerStatus(rows, now,
                          {"model", "never built", [](const Task& t) { return t.source_table; }});
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
  auto sources_flags = std::make_shared<SourcesFlags>();
  auto* sources = cmd->add_subcommand(
      "sources", "Print (or write) sources.yml declaring every bronze table as a dbt source");
  sources->footer(
      "Each table: its frequency as a tag, where it comes from, and a freshness check derived\n"
      "from its schedule (warn once one scheduled load was missed, error after two) that asks\n"
      "tributary's run history when it last loaded (dbt 1.10+ loaded_at_query). See docs/dbt.md.");
  sources->add_option("-o,--output", sources_flags->output,
                      "Write to this file (default: print); replaces only a file it wrote");
  sources
      ->add_option("--source-name", sources_flags->source_name,
                   "The source's name, as models call source('<name>', 'table')")
      ->capture_default_str();
  sources
      ->add_option("--database", sources_flags->database,
                   "The catalog dbt finds bronze in (default: DuckDB, the bronze file's name; "
                   "PostgreSQL, the sink's database)")
      ->each([sources_flags](const std::string&) { sources_flags->database_given = true; });
  sources->add_flag("--force", sources_flags->force,
                    "Replace an output file tributary did not write");
  sources->callback(
      [&global, sources_flags] { global.exit_code = WriteSources(global, *sources_flags); });
  auto model = std::make_shared<std::string>();
  auto* error = cmd->add_subcommand(
      "error", "Show a model's last result with dbt's message in full (status shows one line)");
  error->add_option("model", *model, "Model name or unique_id")->required();
  error->callback([&global, model] { global.exit_code = ShowModelError(global, *model); });
}

}  // namespace tributary::cli
