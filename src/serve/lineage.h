// GET /api/lineage: what feeds what, source → bronze → model → report, each
// node with its health. Edges come from the project (a table's source), the
// dbt manifest (a model's bronze sources and upstream models) and the
// powerbi: block (a Power BI table's dbt model).
#pragma once

#include <nlohmann/json.hpp>

#include "serve/project_status.h"

namespace tributary {

// {"nodes": [{id, layer (source|bronze|model|report), label, frequency,
// health (engine token; null for sources), state (fresh|late|failing|never;
// null for sources)}], "edges": [{from, to}]}. Only nodes of `status`'s rows
// (and the sources of its tables); an edge to a node left out is left out.
nlohmann::json LineageJson(const Project& project, const ProjectStatus& status);

}  // namespace tributary
