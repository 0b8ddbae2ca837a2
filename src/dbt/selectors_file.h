// selectors.yml for teams that run dbt themselves: one selector per
// frequency, `tributary_<frequency>`, naming the models that frequency's run
// builds under rule same_or_higher (rule `yield` changes the schedules, not
// the selection). Models are named by fqn, never by `+tag:`; regenerate the
// file when models or tags change (`tributary dbt selectors`).
#pragma once

#include <string>

#include "config/project.h"
#include "dbt/manifest.h"

namespace tributary {

// The YAML text. Frequencies with no model get no selector (dbt rejects an
// empty union).
std::string RenderSelectors(const Project& project, const Manifest& manifest);

}  // namespace tributary
