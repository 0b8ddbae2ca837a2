// The scheduling parts of tributary.yml: a frequency's run policies
// (overlap, catch_up, timeout_minutes, paused) and the `scheduler:` and
// `jobs:` sections. Internal to config/: called by the project file loader.
#pragma once

#include <yaml-cpp/yaml.h>

#include "config/project.h"
#include "config/yaml_reader.h"

namespace tributary {

// Reads the policy keys of one frequency entry (already checked to be a
// mapping with known keys); reports bad values at their file:line:column.
void LoadFrequencyOptions(YamlReader& yaml, const YAML::Node& node, FrequencyConfig& frequency);

// `scheduler:` and `jobs:` (either may be absent).
void LoadSchedulerConfig(YamlReader& yaml, const YAML::Node& node, SchedulerConfig& scheduler);
void LoadJobsConfig(YamlReader& yaml, const YAML::Node& node, JobsConfig& jobs);

}  // namespace tributary
