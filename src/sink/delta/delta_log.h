// The Delta transaction log (PROTOCOL.md in delta-io/delta): reading it back
// into a snapshot by action reconciliation, from the newest checkpoint plus
// the JSON commits after it.
#pragma once

#include <duckdb.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "data/types.h"
#include "sink/delta/delta_storage.h"

namespace tributary {

// The state of a table at one version. Actions are kept as the JSON objects
// found in the log, so fields tributary does not interpret survive a rewrite.
struct DeltaSnapshot {
  int64_t version = -1;
  nlohmann::json protocol;                           // {"minReaderVersion":…, …}
  nlohmann::json metadata;                           // the metaData action
  std::map<std::string, nlohmann::json> files;       // live add actions by path
  std::map<std::string, nlohmann::json> tombstones;  // remove actions by path
  std::map<std::string, int64_t> txns;               // appId → latest txn version

  std::vector<std::string> PartitionColumns() const;
  std::map<std::string, std::string> Configuration() const;
  // The table property `key`, or `fallback` when unset.
  std::string Property(const std::string& key, const std::string& fallback) const;
  // The latest txn version of `app_id`, or -1.
  int64_t TxnVersion(const std::string& app_id) const;
};

// "00000000000000000042.json" and "…42.checkpoint.parquet".
std::string DeltaCommitName(int64_t version);
std::string DeltaCheckpointName(int64_t version);

// The actions of commit `version` of the table under key prefix `table` (one
// JSON object per line), or nullopt when the commit does not exist. Throws
// SinkError on malformed content.
std::optional<std::vector<nlohmann::json>> ReadDeltaCommit(DeltaStorage& storage,
                                                           const std::string& table,
                                                           int64_t version);

// Applies the actions of one commit (or checkpoint) to `snapshot`.
void ApplyDeltaActions(DeltaSnapshot& snapshot, const std::vector<nlohmann::json>& actions);

// The newest snapshot of the table under key prefix `table` (holding
// _delta_log/), or nullopt when there is no table there yet. The log is
// listed from the checkpoint _last_checkpoint names, so a table with a long
// log opens with one short listing; checkpoints are read through `conn`
// (DuckDB's Parquet reader). Throws SinkError when the log is broken (a
// missing version, a checkpoint that cannot be read).
std::optional<DeltaSnapshot> ReadDeltaSnapshot(DeltaStorage& storage, const std::string& table,
                                               duckdb_connection conn);

// Applies the commits newer than `snapshot.version`, if any; returns how many.
int ApplyNewerDeltaCommits(DeltaStorage& storage, const std::string& table,
                           DeltaSnapshot& snapshot);

// Throws SinkError when the table uses protocol features tributary does not
// write (deletion vectors, column mapping, constraints, …), naming them.
void CheckDeltaWritable(const std::string& table, const DeltaSnapshot& snapshot);

// The data file path of an add/remove action (URI-decoded, relative to the
// table directory) and the encoding of a relative path for the log (RFC 2396).
std::string DecodeDeltaPath(const std::string& uri_path);
std::string EncodeDeltaPath(const std::string& relative_path);

}  // namespace tributary
