// Which models a run builds. A run of frequencies F… builds, each once, the
// models whose frequency is F or more frequent (rule `same_or_higher`: the
// daily run also builds the hourly models). Under rule `yield` the selection
// is the same, except that a run whose tick is also a tick of a less
// frequent frequency not in the run leaves its models to that run (the 05:00
// hourly run yields to the 05:00 daily one). Models are named explicitly,
// never by `+tag:`, which would pull in less frequent ancestors.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "config/frequency_rank.h"
#include "config/project.h"
#include "dbt/manifest.h"

namespace tributary {

struct ModelPick {
  const DbtModel* model = nullptr;
  std::string frequency;  // the model's own frequency
};

struct SkippedModel {
  ModelPick pick;
  std::string reason;  // "upstream bronze table shop__orders failed in this run"
};

struct ModelSelection {
  std::vector<ModelPick> build;       // by unique_id
  std::vector<SkippedModel> skipped;  // selected but not built
  std::vector<std::string> yielded;   // run frequencies that yielded, "hourly → daily"
};

struct SelectionRequest {
  std::vector<std::string> frequencies;  // the run's frequencies; empty: every frequency
  std::set<std::string> failed_tables;   // sink tables whose load failed in this run
  // The instant the run is for (rule `yield`); nullopt: the rule is not applied.
  std::optional<TimePoint> now;
};

// REQUIRES: project.dbt.enabled. Never throws.
ModelSelection SelectModels(const Project& project, const Manifest& manifest,
                            const SelectionRequest& request);

// Every model with its frequency, by unique_id.
std::vector<ModelPick> AllModels(const Project& project, const Manifest& manifest,
                                 const FrequencyRank& rank);

// The `--select` arguments naming exactly these models (dot-joined fqn).
std::vector<std::string> SelectArguments(const std::vector<ModelPick>& models);

}  // namespace tributary
