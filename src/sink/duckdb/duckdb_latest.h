// LatestValues (sink/sink.h) as DuckDB SQL over any FROM item: a table of
// the DuckDB sink, or the live Parquet files of a Delta table.
#pragma once

#include <duckdb.h>

#include <string>

#include "sink/sink.h"

namespace tributary {

// Runs `request` against `from` (already quoted: a qualified table or a
// read_parquet(...) call) in batches of keys. `what` names the table in
// errors. Throws SinkError.
LatestRows DuckLatest(duckdb_connection conn, const std::string& from, const LatestRequest& request,
                      const std::string& what);

}  // namespace tributary
