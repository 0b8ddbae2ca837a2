// Classic (V1, single-file) Delta checkpoints: `<version>.checkpoint.parquet`
// holding one row per live action (protocol, metaData, txn, add, unexpired
// remove tombstones), written through DuckDB's Parquet writer, and the
// `_last_checkpoint` pointer beside it.
#pragma once

#include <duckdb.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

#include "sink/delta/delta_log.h"

namespace tributary {

// Writes the checkpoint of `snapshot` into `table`/_delta_log/, then points
// _last_checkpoint at it (replaced atomically, never moved backwards). Tombstones older than the
// table's delta.deletedFileRetentionDuration (default 1 week) are left out. `now_ms` is the current
// time. Throws SinkError.
void WriteDeltaCheckpoint(DeltaStorage& storage, const std::string& table,
                          const DeltaSnapshot& snapshot, duckdb_connection conn, int64_t now_ms);

// The actions stored in a checkpoint (its part files, in order), each as
// {"<kind>": {…}} like a commit line.
std::vector<nlohmann::json> ReadDeltaCheckpoint(const std::vector<std::filesystem::path>& parts,
                                                duckdb_connection conn);

// Parses a Delta interval property such as "interval 7 days" into
// milliseconds; nullopt when it does not parse.
std::optional<int64_t> ParseDeltaInterval(const std::string& text);

}  // namespace tributary
