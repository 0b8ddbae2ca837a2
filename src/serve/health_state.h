// The status page's four states, from the engine's health (docs/status-page.md):
// ok and due are fresh (loaded since the latest scheduled time, or that load
// may still be running), overdue is late (a whole scheduled cycle passed
// without a successful load), failing (the last attempt failed) and never.
#pragma once

#include <array>

#include "engine/status.h"

namespace tributary {

// "fresh", "late", "failing" or "never".
const char* HealthState(Health health);

// Every state, in the order the page and the metrics list them.
inline constexpr std::array<const char*, 4> kHealthStates = {"fresh", "late", "failing", "never"};

}  // namespace tributary
