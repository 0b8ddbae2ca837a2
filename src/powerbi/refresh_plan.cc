#include "powerbi/refresh_plan.h"

#include <algorithm>
#include <map>

#include "config/frequency_rank.h"
#include "dbt/model_frequency.h"

namespace tributary {
namespace {

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

const DbtModel* FindByName(const Manifest& manifest, const std::string& name) {
  for (const auto& m : manifest.models) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

// What the step knows of a table's dbt model: its last attempt, if any.
struct ModelState {
  const TaskResult* last = nullptr;
  bool this_run = false;  // built (or failed) in the step's dbt run
};

class Planner {
 public:
  Planner(const Project& project, const Manifest* manifest, const RefreshPlanRequest& request)
      : manifest_(manifest), request_(request), rank_(project.frequencies) {
    for (const auto& h : request.history) history_[h.task_id] = &h;
    for (const auto& f : request.frequencies) {
      for (const auto& g : rank_.SameOrHigher(f)) due_frequencies_.push_back(g);
    }
  }

  void Add(const PowerBiTableRef& ref, RefreshPlan& plan) const {
    if (!Selected(ref)) return;
    ModelState model = SourceModel(ref);
    // Any other status (a model dbt left unchanged) is neither: not due.
    bool failed = model.last != nullptr && model.last->status == "failed";
    bool built = model.last != nullptr && model.last->status == "succeeded";
    bool frequency_due = request_.frequencies.empty() || Contains(due_frequencies_, ref.frequency);
    bool retry = LastRefreshFailed(ref) && (built || model.last == nullptr);
    if (!request_.dbt_run_id.empty()) {
      // In a run: the dbt step decides; a model it did not build is not due.
      if (model.this_run && failed && frequency_due) {
        plan.skipped.push_back({ref, Reason(ref, *model.last)});
        return;
      }
      if (!((model.this_run && built && frequency_due) || retry)) return;
    } else {
      if (failed && (frequency_due || LastRefreshFailed(ref))) {
        plan.skipped.push_back({ref, Reason(ref, *model.last)});
        return;
      }
      if (!frequency_due && !retry) return;
    }
    AddTo(plan, ref);
  }

 private:
  bool Selected(const PowerBiTableRef& ref) const {
    if (!request_.models.empty() && !Contains(request_.models, ref.semantic_model->name)) {
      return false;
    }
    return request_.tables.empty() || Contains(request_.tables, ref.table->table) ||
           Contains(request_.tables, ref.task_id);
  }

  ModelState SourceModel(const PowerBiTableRef& ref) const {
    ModelState state;
    if (manifest_ == nullptr) return state;
    const DbtModel* model = FindByName(*manifest_, ref.table->model);
    if (model == nullptr) return state;
    auto it = history_.find(model->unique_id);
    if (it == history_.end() || !it->second->last_attempt) return state;
    state.last = &*it->second->last_attempt;
    state.this_run = !request_.dbt_run_id.empty() && state.last->run_id == request_.dbt_run_id;
    return state;
  }

  bool LastRefreshFailed(const PowerBiTableRef& ref) const {
    auto it = history_.find(ref.task_id);
    return it != history_.end() && it->second->last_attempt &&
           it->second->last_attempt->status != "succeeded";
  }

  static std::string Reason(const PowerBiTableRef& ref, const TaskResult& model) {
    return "not refreshed: its dbt model '" + ref.table->model + "' failed in run " + model.run_id +
           " (see `tributary dbt error " + ref.table->model + "`)";
  }

  static void AddTo(RefreshPlan& plan, const PowerBiTableRef& ref) {
    for (auto& r : plan.refreshes) {
      if (r.semantic_model == ref.semantic_model) {
        r.tables.push_back(ref);
        return;
      }
    }
    plan.refreshes.push_back({ref.semantic_model, {ref}});
  }

  const Manifest* manifest_;
  const RefreshPlanRequest& request_;
  FrequencyRank rank_;
  std::vector<std::string> due_frequencies_;
  std::map<std::string, const TaskHistory*> history_;
};

}  // namespace

std::string PowerBiTaskId(const PowerBiSemanticModel& model, const PowerBiTable& table) {
  return "powerbi." + model.name + "." + table.table;
}

std::vector<PowerBiTableRef> AllPowerBiTables(const Project& project, const Manifest* manifest) {
  FrequencyRank rank(project.frequencies);
  std::vector<PowerBiTableRef> out;
  for (const auto& sm : project.powerbi.semantic_models) {
    for (const auto& t : sm.tables) {
      PowerBiTableRef ref{&sm, &t, t.frequency, PowerBiTaskId(sm, t)};
      if (ref.frequency.empty()) {
        const DbtModel* model = manifest != nullptr ? FindByName(*manifest, t.model) : nullptr;
        ref.frequency = model != nullptr ? ModelFrequency(*model, project, rank)
                                         : project.dbt.default_frequency;
      }
      out.push_back(std::move(ref));
    }
  }
  return out;
}

RefreshPlan PlanRefreshes(const Project& project, const Manifest* manifest,
                          const RefreshPlanRequest& request) {
  Planner planner(project, manifest, request);
  RefreshPlan plan;
  for (const auto& ref : AllPowerBiTables(project, manifest)) planner.Add(ref, plan);
  return plan;
}

}  // namespace tributary
