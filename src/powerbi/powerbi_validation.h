// `tributary validate` on the Power BI side, against dbt's manifest: every
// table reads a model the dbt project has; no table refreshes more often than
// its model builds (it would never be due at its own frequency); and on
// shared capacity, no semantic model refreshes more than 8 times a day
// (Power BI's limit, scheduled refreshes included) and a warning that each
// refresh reloads the whole model. Every problem at once, at its file:line.
#pragma once

#include "config/diagnostics.h"
#include "config/project.h"
#include "dbt/manifest.h"

namespace tributary {

// Shared capacity's limit: refresh requests a day per semantic model.
inline constexpr int kSharedRefreshesPerDay = 8;

void ValidatePowerBi(const Project& project, const Manifest& manifest, Diagnostics& diagnostics);

// Reads the manifest the dbt checks just produced (or the last one) and
// validates against it; without one, a warning says the tables' models were
// not checked. Never throws.
void ValidatePowerBiSide(const Project& project, Diagnostics& diagnostics);

}  // namespace tributary
