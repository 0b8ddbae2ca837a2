// The `powerbi:` block of tributary.yml (docs/powerbi.md): what can be
// checked without dbt's manifest. Which dbt models exist, and how often they
// build, is checked by `validate` in powerbi/powerbi_validation.h.
#pragma once

#include <yaml-cpp/yaml.h>

#include "config/project.h"
#include "config/yaml_reader.h"

namespace tributary {

// Reads `powerbi:` into project.powerbi, reporting every problem at its
// file:line:column: missing keys, a secret written as plain text or a
// reference that cannot be resolved, an unknown capacity or frequency, a
// table listed twice in one semantic model, Power BI without a dbt: block.
// REQUIRES: the frequencies and dbt: are loaded.
void LoadPowerBi(YamlReader& yaml, const YAML::Node& node, Project& project);

}  // namespace tributary
