#include "powerbi/powerbi_validation.h"

#include <fmt/format.h>

#include <cmath>
#include <set>

#include "common/did_you_mean.h"
#include "common/error.h"
#include "config/frequency_rank.h"
#include "dbt/dbt_step.h"
#include "dbt/model_frequency.h"
#include "powerbi/refresh_plan.h"

namespace tributary {
namespace {

const DbtModel* FindByName(const Manifest& manifest, const std::string& name) {
  for (const auto& m : manifest.models) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

std::vector<std::string> ModelNames(const Manifest& manifest) {
  std::vector<std::string> names;
  for (const auto& m : manifest.models) names.push_back(m.name);
  return names;
}

void CheckTable(const Project& project, const Manifest& manifest, const FrequencyRank& rank,
                const PowerBiSemanticModel& sm, const PowerBiTable& t, Diagnostics& d) {
  const DbtModel* model = FindByName(manifest, t.model);
  if (model == nullptr) {
    d.Error(t.model_where,
            fmt::format("table '{}' of semantic model '{}' reads dbt model '{}', which the dbt "
                        "project does not have{}",
                        t.table, sm.name, t.model, DidYouMean(t.model, ModelNames(manifest))),
            "name a model of the dbt project (its file name without .sql)");
    return;
  }
  std::string built = ModelFrequency(*model, project, rank);
  if (!t.frequency.empty() && rank.MoreFrequent(t.frequency, built)) {
    d.Error(t.frequency_where,
            fmt::format("table '{}' of semantic model '{}' refreshes {} but its dbt model '{}' "
                        "builds {}: a refresh follows a build, so it would never refresh {}",
                        t.table, sm.name, t.frequency, t.model, built, t.frequency),
            fmt::format("leave out 'frequency' (the table then refreshes {}), or tag the model "
                        "'{}' in dbt",
                        built, t.frequency));
  }
}

// Shared capacity: every refresh is of the whole model, at most 8 a day.
// Each frequency of its tables is a separate run (one job per frequency), so
// the model refreshes the sum of their daily fires.
void CheckShared(const PowerBiSemanticModel& sm, const std::vector<PowerBiTableRef>& tables,
                 const FrequencyRank& rank, Diagnostics& d) {
  std::set<std::string> frequencies;
  for (const auto& ref : tables) {
    if (ref.semantic_model == &sm) frequencies.insert(ref.frequency);
  }
  double per_day = 0;
  std::string detail;
  for (const auto& f : frequencies) {
    per_day += rank.Rate(f) / 7;
    detail += fmt::format("{}{} about {:g} a day", detail.empty() ? "" : ", ", f,
                          std::round(rank.Rate(f) / 7 * 10) / 10);
  }
  if (per_day > kSharedRefreshesPerDay + 1e-9) {
    d.Error(sm.where,
            fmt::format("semantic model '{}' would refresh about {:g} times a day ({}), but shared "
                        "capacity allows {} refreshes a day",
                        sm.name, std::round(per_day * 10) / 10, detail, kSharedRefreshesPerDay),
            "move the workspace to Premium, PPU or Fabric capacity (powerbi.capacity), or give its "
            "tables less frequent frequencies");
  }
  if (sm.tables.size() > 0) {
    d.Warning(sm.where,
              fmt::format("semantic model '{}' is on shared capacity, which has no table-level "
                          "refresh: each refresh reloads every table of the model",
                          sm.name),
              "Premium, PPU and Fabric capacities refresh only the due tables");
  }
}

}  // namespace

void ValidatePowerBi(const Project& project, const Manifest& manifest, Diagnostics& diagnostics) {
  FrequencyRank rank(project.frequencies);
  for (const auto& sm : project.powerbi.semantic_models) {
    for (const auto& t : sm.tables) CheckTable(project, manifest, rank, sm, t, diagnostics);
  }
  if (project.powerbi.capacity != "shared") return;
  auto tables = AllPowerBiTables(project, &manifest);
  for (const auto& sm : project.powerbi.semantic_models) CheckShared(sm, tables, rank, diagnostics);
}

void ValidatePowerBiSide(const Project& project, Diagnostics& diagnostics) {
  if (!project.powerbi.enabled || !project.dbt.enabled) return;
  try {
    ValidatePowerBi(project, ObtainManifest(project, /*parse=*/false, nullptr), diagnostics);
  } catch (const Error& e) {
    diagnostics.Warning(
        project.powerbi.where,
        std::string(e.what()) + "; the Power BI tables' dbt models were not checked",
        "run `tributary validate` where dbt is installed, or `dbt parse` first");
  }
}

}  // namespace tributary
