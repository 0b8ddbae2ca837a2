// One Delta table in the sink's storage: its snapshot, and commits published
// with put-if-absent, retried when another writer got the version first
// (after checking that what it did does not conflict), then checkpointed
// every delta.checkpointInterval commits.
#pragma once

#include <duckdb.h>

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sink/delta/delta_log.h"

namespace tributary {

// What one commit changes, planned against the snapshot of `read_version`.
struct DeltaCommitPlan {
  int64_t read_version = -1;        // -1: the table did not exist
  std::string operation = "WRITE";  // commitInfo.operation
  nlohmann::json operation_parameters = nlohmann::json::object();
  std::optional<nlohmann::json> protocol;  // set when creating or upgrading the table
  std::optional<nlohmann::json> metadata;  // set when schema, partitioning or properties change
  std::vector<nlohmann::json> adds;        // add actions of new files
  std::vector<std::string> removes;        // paths (as in the log) of live files to remove
  bool replace = false;   // every file live at commit time that is not added here is removed
  bool rewrites = false;  // rows were rewritten (merge, delete): a concurrent data change conflicts
  bool data_change = true;  // false when files are only rearranged (compaction)
  std::optional<std::pair<std::string, int64_t>> txn;   // appId, version (idempotent ingestion)
  nlohmann::json tributary = nlohmann::json::object();  // stored in commitInfo.tributary
};

// Not thread-safe; one writer uses it at a time (the sink's per-table lock).
class DeltaTable {
 public:
  // The table under key prefix `key` of `storage`; `conn` reads checkpoints
  // and writes them. Both must outlive the table.
  DeltaTable(DeltaStorage& storage, std::string key, std::string name, duckdb_connection conn);

  DeltaStorage& storage() const { return storage_; }
  const std::string& key() const { return key_; }
  const std::string& name() const { return name_; }
  // Reads the log again; nullopt when there is no table yet.
  const std::optional<DeltaSnapshot>& Refresh();
  const std::optional<DeltaSnapshot>& snapshot() const { return snapshot_; }

  // Publishes `plan` as the next version. When another writer committed
  // first, its commits are checked against the plan and the commit retried
  // on top. Returns the committed version, or nullopt when the plan's txn
  // had already been committed (nothing to do). Throws SinkError on a
  // conflict, naming the table and what to do. Writes a checkpoint when due
  // (a failed checkpoint is logged, never fails the commit).
  std::optional<int64_t> Commit(const DeltaCommitPlan& plan, int64_t now_ms);

 private:
  void CheckConflicts(const DeltaCommitPlan& plan, const std::vector<nlohmann::json>& actions,
                      int64_t version) const;
  std::string CommitContent(const DeltaCommitPlan& plan, int64_t now_ms,
                            std::vector<nlohmann::json>& actions) const;
  void MaybeCheckpoint(int64_t now_ms);

  DeltaStorage& storage_;
  std::string key_;
  std::string name_;
  duckdb_connection conn_;
  std::optional<DeltaSnapshot> snapshot_;
};

// The remove action that retires the live file `add` at `now_ms`.
nlohmann::json DeltaRemoveFor(const nlohmann::json& add, int64_t now_ms, bool data_change);

}  // namespace tributary
