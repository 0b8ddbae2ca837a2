#include "config/project.h"

namespace tributary {

const ServerConfig* Project::FindServer(const std::string& wanted) const {
  for (const auto& s : servers) {
    if (s.name == wanted) return &s;
  }
  return nullptr;
}

const FrequencyConfig* Project::FindFrequency(const std::string& wanted) const {
  for (const auto& f : frequencies) {
    if (f.name == wanted) return &f;
  }
  return nullptr;
}

}  // namespace tributary
