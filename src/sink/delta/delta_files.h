// Delta data files: rows selected in DuckDB are written as zstd Parquet files
// (`COPY … (FORMAT parquet, RETURN_STATS)`) into the table directory, and
// described by `add` actions whose per-file statistics (numRecords,
// minValues, maxValues, nullCount) come from the Parquet writer.
#pragma once

#include <duckdb.h>

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/types.h"
#include "sink/delta/delta_storage.h"

namespace tributary {

struct DeltaFileSpec {
  Schema stored;                          // the table's columns (stored types), in order
  std::vector<std::string> partition_by;  // columns whose values name directories, not stored
  int64_t target_file_bytes = 128 << 20;  // split the output into files about this large
  bool data_change = true;                // false when files only rearrange existing rows
};

// Runs `select_sql` (which yields the columns of spec.stored) and writes its
// rows as new data files of the table under key prefix `table` (staged
// locally, then moved or uploaded); returns one add action per file (none
// for an empty result). Files are durable before this returns, so a commit
// naming them may follow. Throws SinkError.
std::vector<nlohmann::json> WriteDeltaDataFiles(duckdb_connection conn,
                                                const std::string& select_sql,
                                                DeltaStorage& storage, const std::string& table,
                                                const DeltaFileSpec& spec, int64_t now_ms);

// The stats JSON of one file from DuckDB's RETURN_STATS column_statistics
// (a map of quoted column name → {min, max, null_count, has_nan}). Follows
// PROTOCOL.md "Per-file Statistics": timestamps truncated to milliseconds
// (ISO 8601, UTC), strings cut to a 32-character prefix (a longer maximum is
// left out), no bounds for floats holding NaN, nor for boolean and binary.
std::string DeltaStatsJson(const nlohmann::json& column_statistics, int64_t num_records,
                           const Schema& stored);

// Deletes the data files of `adds` (written, never committed) from the table
// under `table`. Best effort: a file that cannot be deleted stays an orphan,
// harmless since no commit names it (vacuum removes it later).
void DeleteDeltaDataFiles(DeltaStorage& storage, const std::string& table,
                          const std::vector<nlohmann::json>& adds);

// A partition value from DuckDB's text to Delta's serialization (timestamps
// as ISO 8601 UTC with microseconds); nullopt for NULL.
std::optional<std::string> DeltaPartitionValue(const DataType& stored,
                                               const nlohmann::json& duck_value);

// "a""b" → a"b: the column name inside a DuckDB-quoted identifier.
std::string UnquoteDuckName(const std::string& quoted);

// SQL selecting the rows of the data file of `add` with the columns of
// `stored` (in order, cast to their stored types): partition columns from the
// add's partitionValues, columns the file lacks (added later) as NULL. Reads
// the file's footer to learn its columns (a remote file is downloaded first).
// Throws SinkError.
std::string DeltaFileSelect(duckdb_connection conn, DeltaStorage& storage, const std::string& table,
                            const nlohmann::json& add, const Schema& stored,
                            const std::vector<std::string>& partition_by);

}  // namespace tributary
