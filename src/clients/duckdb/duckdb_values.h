// Reads DuckDB query results whose columns are nested (LIST, STRUCT, MAP),
// such as the per-file statistics of `COPY … (RETURN_STATS)`, into JSON
// values, which the C API's scalar getters cannot do.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "clients/duckdb/duckdb_handles.h"

namespace tributary {

// Every row of `result`, each as a JSON array with one value per column:
// VARCHAR → string, integers and BOOLEAN → numbers/booleans, DOUBLE →
// number, LIST → array, STRUCT → object, MAP → object (keys as text), NULL →
// null. Throws SinkError on a column type outside that list.
std::vector<nlohmann::json> ResultRowsJson(DuckResult& result);

}  // namespace tributary
