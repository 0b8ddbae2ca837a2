#include "dbt/selection.h"

#include <fmt/format.h>

#include <map>

#include "cron/cron.h"
#include "dbt/bronze_tables.h"
#include "dbt/model_frequency.h"

namespace tributary {
namespace {

// True when `f` fires at the instant `tick`.
bool FiresAt(const FrequencyConfig& f, TimePoint tick) {
  try {
    auto previous = CronSchedule::Parse(f.cron, f.timezone).Previous(tick);
    return previous && *previous == tick;
  } catch (const Error&) {
    return false;
  }
}

std::optional<TimePoint> LatestTick(const FrequencyConfig& f, TimePoint now) {
  try {
    return CronSchedule::Parse(f.cron, f.timezone).Previous(now);
  } catch (const Error&) {
    return std::nullopt;
  }
}

// The less frequent frequency outside the run that `f` yields to, or "".
std::string YieldsTo(const Project& project, const FrequencyRank& rank, const std::string& f,
                     const std::set<std::string>& run, TimePoint now) {
  const FrequencyConfig* mine = project.FindFrequency(f);
  if (mine == nullptr) return "";
  auto tick = LatestTick(*mine, now);
  if (!tick) return "";
  for (const auto& other : project.frequencies) {
    if (run.count(other.name) || !rank.MoreFrequent(f, other.name)) continue;
    if (FiresAt(other, *tick)) return other.name;
  }
  return "";
}

// The frequencies whose models the run builds.
std::set<std::string> CoveredFrequencies(const Project& project, const FrequencyRank& rank,
                                         const SelectionRequest& request,
                                         ModelSelection& selection) {
  std::vector<std::string> asked = request.frequencies;
  if (asked.empty()) asked = rank.Ordered();
  std::set<std::string> run(asked.begin(), asked.end());
  std::set<std::string> covered;
  for (const auto& f : asked) {
    if (request.now && project.dbt.selection == "yield") {
      std::string to = YieldsTo(project, rank, f, run, *request.now);
      if (!to.empty()) {
        selection.yielded.push_back(f + " → " + to);
        continue;
      }
    }
    for (const auto& g : rank.SameOrHigher(f)) covered.insert(g);
  }
  return covered;
}

// Why `model` cannot be built in this run, or "" (given the verdicts on the
// models before it in dependency order, in `blocked`).
std::string BlockedBy(const Project& project, const Manifest& manifest, const DbtModel& model,
                      const std::set<std::string>& failed,
                      std::map<std::string, std::string>& blocked) {
  if (auto it = blocked.find(model.unique_id); it != blocked.end()) return it->second;
  std::string reason;
  blocked[model.unique_id] = "";  // guards against cycles
  for (const auto& id : model.upstream_sources) {
    auto it = manifest.sources.find(id);
    const Task* task = it == manifest.sources.end() ? nullptr : BronzeTask(it->second, project);
    if (task != nullptr && failed.count(task->sink_table)) {
      reason = fmt::format("upstream bronze table {} failed in this run", task->sink_table);
      break;
    }
  }
  for (size_t i = 0; reason.empty() && i < model.upstream_models.size(); ++i) {
    const DbtModel* parent = manifest.FindModel(model.upstream_models[i]);
    if (parent != nullptr && !BlockedBy(project, manifest, *parent, failed, blocked).empty()) {
      reason = fmt::format("upstream model {} cannot be built: {}", parent->name,
                           blocked[parent->unique_id]);
    }
  }
  blocked[model.unique_id] = reason;
  return reason;
}

}  // namespace

std::vector<ModelPick> AllModels(const Project& project, const Manifest& manifest,
                                 const FrequencyRank& rank) {
  std::vector<ModelPick> out;
  for (const auto& model : manifest.models) {
    out.push_back({&model, ModelFrequency(model, project, rank)});
  }
  return out;
}

ModelSelection SelectModels(const Project& project, const Manifest& manifest,
                            const SelectionRequest& request) {
  FrequencyRank rank(project.frequencies);
  ModelSelection selection;
  auto covered = CoveredFrequencies(project, rank, request, selection);
  std::map<std::string, std::string> blocked;
  for (const auto& pick : AllModels(project, manifest, rank)) {
    if (!covered.count(pick.frequency)) continue;
    std::string reason = BlockedBy(project, manifest, *pick.model, request.failed_tables, blocked);
    if (reason.empty()) {
      selection.build.push_back(pick);
    } else {
      selection.skipped.push_back({pick, reason});
    }
  }
  return selection;
}

std::vector<std::string> SelectArguments(const std::vector<ModelPick>& models) {
  std::vector<std::string> out;
  for (const auto& pick : models) {
    std::string fqn;
    for (const auto& part : pick.model->fqn) fqn += (fqn.empty() ? "" : ".") + part;
    out.push_back(fqn.empty() ? pick.model->name : fqn);
  }
  return out;
}

}  // namespace tributary
