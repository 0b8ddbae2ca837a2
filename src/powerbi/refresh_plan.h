// Which Power BI tables a step refreshes. A table is due when its frequency
// is one of the step's (or, as for dbt models, more frequent than one of
// them) and its dbt model was built: in a `run`, by that run's dbt step; on
// its own (`powerbi refresh`), when the model's last build did not fail. A
// table whose last refresh failed is due again as soon as its model has
// built, whatever the frequency, so the next step does what was left undone.
#pragma once

#include <string>
#include <vector>

#include "config/project.h"
#include "dbt/manifest.h"
#include "sink/run_log.h"

namespace tributary {

// One configured table with what the step needs to know about it.
struct PowerBiTableRef {
  const PowerBiSemanticModel* semantic_model = nullptr;
  const PowerBiTable* table = nullptr;
  std::string frequency;  // explicit, else its dbt model's
  std::string task_id;    // powerbi.<semantic model>.<table>
};

// The task id of a table in the run history: `powerbi.<semantic model>.<table>`.
// Sink tables have no dots and dbt models start with `model.`, so it cannot
// collide with either.
std::string PowerBiTaskId(const PowerBiSemanticModel& model, const PowerBiTable& table);

// Every configured table, in file order. Without a manifest (`manifest` null)
// a table with no explicit frequency gets the dbt block's default frequency.
std::vector<PowerBiTableRef> AllPowerBiTables(const Project& project, const Manifest* manifest);

struct RefreshPlanRequest {
  std::vector<std::string> frequencies;  // empty: every frequency
  std::vector<std::string> models;       // semantic model names; empty: all
  std::vector<std::string> tables;       // table names or task ids; empty: all
  // The run whose dbt step just ran (its model results are in `history`
  // under this id); "": no dbt step ran in this process.
  std::string dbt_run_id;
  std::vector<TaskHistory> history;
};

struct SkippedTable {
  PowerBiTableRef ref;
  std::string reason;  // recorded as the table's failure: its data did not change
};

// One request per semantic model: every due table of that model.
struct ModelRefresh {
  const PowerBiSemanticModel* semantic_model = nullptr;
  std::vector<PowerBiTableRef> tables;
};

struct RefreshPlan {
  std::vector<ModelRefresh> refreshes;  // semantic models in file order
  std::vector<SkippedTable> skipped;    // due, but their dbt model failed
};

RefreshPlan PlanRefreshes(const Project& project, const Manifest* manifest,
                          const RefreshPlanRequest& request);

}  // namespace tributary
