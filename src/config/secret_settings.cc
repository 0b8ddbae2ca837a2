#include "config/secret_settings.h"

#include <fmt/format.h>

#include "common/error.h"
#include "config/secrets.h"

namespace tributary {

void CheckSecretSetting(YamlReader& yaml, const YAML::Node& value, const std::string& key,
                        const Project& project) {
  try {
    auto refs = FindSecretReferences(value.Scalar());
    if (refs.empty() && IsSecretKey(key)) {
      yaml.Error(value, fmt::format("'{}' is written in the config as plain text", key),
                 "secrets must be references: use ${env:NAME} or ${file:PATH}");
    }
    for (const auto& ref : refs) {
      if (auto why = CheckSecretReference(ref, project.dir); !why.empty()) {
        std::string message =
            fmt::format("cannot resolve ${{{}:{}}} for '{}': {}", ref.kind, ref.name, key, why);
        std::string hint = ref.kind == "env" ? "export the variable before running tributary"
                                             : "create the file or fix the path";
        if (yaml.secrets_must_resolve()) {
          yaml.Error(value, message, hint);
        } else {
          yaml.Warning(value, message, hint + "; `tributary check` and `run` need it");
        }
      }
    }
  } catch (const ConfigError& e) {
    yaml.Error(value, e.what());
  }
}

}  // namespace tributary
