// The load-time check of a setting that may hold a secret reference, shared by
// the loaders of tributary.yml's blocks: a secret key (password, client
// secret, …) must be written as ${env:NAME} or ${file:PATH}, and every
// reference must resolve now, so a scheduled run does not fail on it later.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "config/project.h"
#include "config/yaml_reader.h"

namespace tributary {

// Reports through `yaml`, at `value`, a secret written as plain text and each
// reference that does not resolve (never the value itself) — an error, or a
// warning when yaml.secrets_must_resolve() is false.
void CheckSecretSetting(YamlReader& yaml, const YAML::Node& value, const std::string& key,
                        const Project& project);

}  // namespace tributary
