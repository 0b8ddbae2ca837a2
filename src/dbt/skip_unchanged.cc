#include "dbt/skip_unchanged.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <set>

#include "common/error.h"
#include "common/files.h"
#include "dbt/bronze_tables.h"

namespace tributary {
namespace {

using nlohmann::json;

std::string Utc(TimePoint t) {
  return fmt::format("{:%Y-%m-%d %H:%M:%S}Z", std::chrono::floor<std::chrono::seconds>(t));
}

// Decides, model by model in dependency order, whether a build is needed.
class ChangeCheck {
 public:
  ChangeCheck(const Project& project, const Manifest& manifest,
              const std::vector<TaskHistory>& history, const BuildStamps& stamps,
              const std::vector<ModelPick>& build)
      : project_(project), manifest_(manifest), stamps_(stamps) {
    for (const auto& h : history) history_[h.task_id] = &h;
    for (const auto& pick : build) selected_.insert(pick.model->unique_id);
  }

  // Why `model` must be built, or "" when it need not be.
  std::string MustBuild(const DbtModel& model) {
    if (auto it = memo_.find(model.unique_id); it != memo_.end()) return it->second;
    memo_[model.unique_id] = "a dependency cycle";  // guards against cycles
    std::string why = Reason(model);
    memo_[model.unique_id] = why;
    return why;
  }

  // The start of the model's last build (REQUIRES: MustBuild gave "").
  TimePoint BuiltAt(const DbtModel& model) const {
    return history_.at(model.unique_id)->last_change->started_at;
  }

 private:
  const TaskHistory* History(const std::string& id) const {
    auto it = history_.find(id);
    return it == history_.end() ? nullptr : it->second;
  }

  // Whether `h` changed after the build `built` started. What the same run
  // did (its loads, the models dbt built before this one) came first.
  static bool ChangedAfter(const TaskHistory* h, const TaskResult& built) {
    return h != nullptr && h->last_change && h->last_change->run_id != built.run_id &&
           h->last_change->ended_at > built.started_at;
  }

  std::string Reason(const DbtModel& model) {
    const TaskHistory* own = History(model.unique_id);
    if (own == nullptr || !own->last_change) return "never built";
    if (!own->last_attempt || !IsSuccess(*own->last_attempt)) return "its last attempt failed";
    auto stamp = stamps_.find(model.unique_id);
    if (stamp == stamps_.end() || stamp->second != BuildStamp(project_, model)) {
      return "its SQL, config or macros changed since its last build";
    }
    if (model.reads_other) return "it reads seeds or snapshots, which tributary does not track";
    const TaskResult& built = *own->last_change;
    for (const auto& id : model.upstream_sources) {
      if (std::string why = SourceReason(id, built); !why.empty()) return why;
    }
    for (const auto& id : model.upstream_models) {
      if (std::string why = ParentReason(id, built); !why.empty()) return why;
    }
    return "";
  }

  std::string SourceReason(const std::string& id, const TaskResult& built) const {
    auto it = manifest_.sources.find(id);
    const Task* task = it == manifest_.sources.end() ? nullptr : BronzeTask(it->second, project_);
    if (task == nullptr) return fmt::format("it reads {}, which tributary does not load", id);
    const TaskHistory* h = History(task->id());
    if (h == nullptr || !h->last_success) {
      return fmt::format("bronze table {} has never loaded", task->id());
    }
    if (ChangedAfter(h, built)) {
      return fmt::format("bronze table {} landed rows at {}", task->id(),
                         Utc(h->last_change->ended_at));
    }
    return "";
  }

  std::string ParentReason(const std::string& id, const TaskResult& built) {
    const DbtModel* parent = manifest_.FindModel(id);
    if (parent == nullptr) return fmt::format("it reads {}, which is not in the manifest", id);
    if (selected_.count(id) && !MustBuild(*parent).empty()) {
      return fmt::format("upstream model {} is built in this run", parent->name);
    }
    const TaskHistory* h = History(id);
    if (ChangedAfter(h, built)) {
      return fmt::format("upstream model {} was built at {}", parent->name,
                         Utc(h->last_change->ended_at));
    }
    return "";
  }

  const Project& project_;
  const Manifest& manifest_;
  const BuildStamps& stamps_;
  std::map<std::string, const TaskHistory*> history_;
  std::set<std::string> selected_;
  std::map<std::string, std::string> memo_;
};

}  // namespace

std::string BuildStamp(const Project& project, const DbtModel& model) {
  json settings = {{"target", project.dbt.target}, {"vars", project.dbt.vars}};
  return model.fingerprint + " " + settings.dump();
}

BuildStamps LoadBuildStamps(const std::filesystem::path& file) {
  BuildStamps stamps;
  std::optional<std::string> text;
  try {
    text = ReadWholeFile(file);
  } catch (const Error&) {
    return stamps;
  }
  if (!text) return stamps;
  json root = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!root.is_object()) return stamps;
  for (const auto& [id, stamp] : root.items()) {
    if (stamp.is_string()) stamps[id] = stamp.get<std::string>();
  }
  return stamps;
}

void SaveBuildStamps(const std::filesystem::path& file, const BuildStamps& stamps) {
  ReplaceFileAtomically(file, json(stamps).dump(1) + "\n");
}

std::vector<UnchangedModel> DropUnchanged(const Project& project, const Manifest& manifest,
                                          const std::vector<TaskHistory>& history,
                                          const BuildStamps& stamps,
                                          std::vector<ModelPick>& build) {
  ChangeCheck check(project, manifest, history, stamps, build);
  std::vector<UnchangedModel> unchanged;
  std::vector<ModelPick> kept;
  for (const auto& pick : build) {
    if (!check.MustBuild(*pick.model).empty()) {
      kept.push_back(pick);
      continue;
    }
    unchanged.push_back({pick, fmt::format("nothing it reads changed since its build at {}",
                                           Utc(check.BuiltAt(*pick.model)))});
  }
  build = std::move(kept);
  return unchanged;
}

}  // namespace tributary
