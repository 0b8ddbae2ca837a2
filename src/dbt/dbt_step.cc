#include "dbt/dbt_step.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/files.h"
#include "common/log.h"
#include "dbt/dbt_cli.h"
#include "dbt/dbt_error.h"
#include "dbt/run_results.h"
#include "dbt/skip_unchanged.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;

ModelOutcome Outcome(const ModelPick& pick, const std::string& status, TimePoint at,
                     std::string message) {
  return {pick.model->unique_id, pick.model->name, pick.frequency, status, at, at, -1,
          std::move(message)};
}

ModelOutcome FromResult(const ModelPick& pick, const NodeResult* r, const DbtInvocation& inv,
                        TimePoint now) {
  if (r == nullptr && inv.result.cancelled) {
    return Outcome(pick, "failed", now, "cancelled: the run was stopped before dbt built it");
  }
  if (r == nullptr) {
    return Outcome(pick, "failed", now,
                   fmt::format("dbt build stopped before this model (exit status {}); see {}",
                               inv.result.exit_code, inv.log_file.string()));
  }
  std::string status = r->Built() ? "succeeded" : r->status == "skipped" ? "skipped" : "failed";
  std::string message = r->message;
  if (status == "skipped" && message.empty()) message = "skipped by dbt: an upstream node failed";
  ModelOutcome o = Outcome(pick, status, r->started_at.value_or(now), message);
  o.ended_at = r->completed_at.value_or(now);
  o.rows = r->rows_affected;
  return o;
}

void Build(const DbtCli& dbt, const ModelSelection& selection, const DbtStepRequest& request,
           const Clock& clock, DbtStepResult& result) {
  fs::remove(dbt.paths().target_dir / "run_results.json");
  DbtInvocation inv =
      dbt.Run("build", SelectArguments(selection.build), request.run_id, request.cancel);
  result.dbt_exit_code = inv.result.exit_code;
  RunResults results;
  try {
    results = LoadRunResults(dbt.paths().target_dir / "run_results.json");
  } catch (const DbtError&) {
    // Exit status 2 (dbt itself failed) writes none; every model then fails.
  }
  for (const auto& pick : selection.build) {
    result.models.push_back(
        FromResult(pick, results.Find(pick.model->unique_id), inv, clock.Now()));
  }
}

// Records the stamp of every model built now, so skip_unchanged can tell
// later whether its SQL changed. A stamp that cannot be written only costs
// a build next time.
void UpdateStamps(const Project& project, const Manifest& manifest, const fs::path& file,
                  BuildStamps stamps, const DbtStepResult& result) {
  for (const auto& m : result.models) {
    const DbtModel* model = manifest.FindModel(m.unique_id);
    if (m.status == "succeeded" && model != nullptr)
      stamps[m.unique_id] = BuildStamp(project, *model);
  }
  try {
    SaveBuildStamps(file, stamps);
  } catch (const Error& e) {
    Log(LogLevel::kWarn, std::string("dbt: ") + e.what());
  }
}

}  // namespace

bool DbtStepResult::ok() const {
  if (!error.empty()) return false;
  for (const auto& m : models) {
    if (m.status != "succeeded" && m.status != "unchanged") return false;
  }
  return true;
}

Manifest ObtainManifest(const Project& project, bool parse, std::string* note) {
  DbtCli dbt(project);
  if (parse && !dbt.paths().executable.empty()) return dbt.Parse("parse", nullptr);
  for (const fs::path& p : {dbt.paths().target_dir / "manifest.json",
                            dbt.paths().project_dir / "target" / "manifest.json"}) {
    if (!fs::exists(p)) continue;
    if (note != nullptr) *note = "read " + p.string() + " (not parsed now)";
    return LoadManifest(p);
  }
  throw DbtError(fmt::format(
      "no manifest for the dbt project {}: the dbt executable '{}' was not found and no "
      "earlier `dbt parse` left target/manifest.json",
      dbt.paths().project_dir.string(), project.dbt.executable));
}

ModelSelection PlanDbtStep(const Project& project, const Manifest& manifest,
                           const std::vector<std::string>& frequencies, TimePoint now) {
  SelectionRequest request;
  request.frequencies = frequencies;
  request.now = now;
  return SelectModels(project, manifest, request);
}

DbtStepResult RunDbtStep(const Project& project, const DbtStepRequest& request,
                         const Clock& clock) {
  DbtStepResult result;
  DbtCli dbt(project);
  result.log_file = dbt.paths().log_dir / (request.run_id + ".log");
  try {
    FileLock lock = FileLock::Acquire(dbt.paths().lock_file);
    Manifest manifest = dbt.Parse(request.run_id, request.cancel);
    SelectionRequest select{request.frequencies, request.failed_tables, clock.Now()};
    ModelSelection selection = SelectModels(project, manifest, select);
    result.yielded = selection.yielded;
    const fs::path stamps_file = dbt.paths().work_dir / "build_stamps.json";
    BuildStamps stamps = LoadBuildStamps(stamps_file);
    if (project.dbt.skip_unchanged) {
      for (auto& u : DropUnchanged(project, manifest, request.history, stamps, selection.build)) {
        result.models.push_back(Outcome(u.pick, "unchanged", clock.Now(), std::move(u.reason)));
      }
    }
    if (!selection.build.empty()) {
      Build(dbt, selection, request, clock, result);
      UpdateStamps(project, manifest, stamps_file, std::move(stamps), result);
    }
    for (const auto& s : selection.skipped) {
      result.models.push_back(Outcome(s.pick, "skipped", clock.Now(), s.reason));
    }
  } catch (const Error& e) {
    result.error = e.what();
  }
  std::sort(result.models.begin(), result.models.end(),
            [](const ModelOutcome& a, const ModelOutcome& b) { return a.unique_id < b.unique_id; });
  return result;
}

}  // namespace tributary
