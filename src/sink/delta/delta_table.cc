#include "sink/delta/delta_table.h"

#include <fmt/format.h>

#include <set>

#include "common/error.h"
#include "common/fault_point.h"
#include "common/files.h"
#include "common/log.h"
#include "sink/delta/delta_checkpoint.h"
#include "sink/delta/delta_vacuum.h"

namespace tributary {
namespace {

using nlohmann::json;

constexpr int kMaxAttempts = 20;

std::string Kind(const json& action) { return action.begin().key(); }

[[noreturn]] void Conflict(const std::string& table, int64_t version, const std::string& why) {
  throw SinkError(fmt::format(
      "delta table '{}': another writer committed version {} while tributary was writing ({}); "
      "nothing was committed — run the load again",
      table, version, why));
}

}  // namespace

json DeltaRemoveFor(const json& add, int64_t now_ms, bool data_change) {
  json remove = {{"path", add.at("path")},
                 {"deletionTimestamp", now_ms},
                 {"dataChange", data_change},
                 {"extendedFileMetadata", true},
                 {"partitionValues", add.value("partitionValues", json::object())},
                 {"size", add.value("size", int64_t{0})}};
  if (add.contains("stats")) remove["stats"] = add["stats"];
  return remove;
}

DeltaTable::DeltaTable(DeltaStorage& storage, std::string key, std::string name,
                       duckdb_connection conn)
    : storage_(storage), key_(std::move(key)), name_(std::move(name)), conn_(conn) {}

const std::optional<DeltaSnapshot>& DeltaTable::Refresh() {
  snapshot_ = ReadDeltaSnapshot(storage_, key_, conn_);
  return snapshot_;
}

void DeltaTable::CheckConflicts(const DeltaCommitPlan& plan, const std::vector<json>& actions,
                                int64_t version) const {
  for (const json& action : actions) {
    std::string kind = Kind(action);
    const json& body = action.begin().value();
    if (kind == "metaData" || kind == "protocol") {
      Conflict(name_, version, "it changed the table's schema, properties or protocol");
    }
    bool changes_data = body.value("dataChange", true);
    if (plan.rewrites && (kind == "add" || kind == "remove") && changes_data) {
      Conflict(name_, version, "it changed rows this load rewrites");
    }
  }
  for (const std::string& path : plan.removes) {
    if (snapshot_->files.count(path) == 0) {
      Conflict(name_, version, fmt::format("it removed the file '{}' this load rewrites", path));
    }
  }
}

std::string DeltaTable::CommitContent(const DeltaCommitPlan& plan, int64_t now_ms,
                                      std::vector<json>& actions) const {
  json info = {{"timestamp", now_ms},
               {"operation", plan.operation},
               {"operationParameters", plan.operation_parameters},
               {"isBlindAppend", plan.removes.empty() && !plan.replace && !plan.rewrites},
               {"engineInfo", std::string("tributary/") + TRIBUTARY_VERSION},
               {"txnId", NewUuid()}};
  if (!plan.tributary.empty()) info["tributary"] = plan.tributary;
  actions.clear();
  actions.push_back(json{{"commitInfo", info}});
  if (plan.protocol) actions.push_back(json{{"protocol", *plan.protocol}});
  if (plan.metadata) actions.push_back(json{{"metaData", *plan.metadata}});
  if (plan.txn) {
    actions.push_back(json{
        {"txn",
         {{"appId", plan.txn->first}, {"version", plan.txn->second}, {"lastUpdated", now_ms}}}});
  }
  std::set<std::string> removed(plan.removes.begin(), plan.removes.end());
  std::set<std::string> added;
  for (const json& add : plan.adds) added.insert(add.at("path").get<std::string>());
  if (plan.replace && snapshot_) {
    for (const auto& [path, add] : snapshot_->files) {
      if (added.count(path) == 0) removed.insert(path);
    }
  }
  for (const std::string& path : removed) {
    actions.push_back(
        json{{"remove", DeltaRemoveFor(snapshot_->files.at(path), now_ms, plan.data_change)}});
  }
  for (const json& add : plan.adds) actions.push_back(json{{"add", add}});
  std::string content;
  for (const json& action : actions) content += action.dump() + "\n";
  return content;
}

std::optional<int64_t> DeltaTable::Commit(const DeltaCommitPlan& plan, int64_t now_ms) {
  if (!snapshot_ || snapshot_->version < plan.read_version) Refresh();
  int64_t current = snapshot_ ? snapshot_->version : -1;
  if (current < plan.read_version) {
    throw SinkError(fmt::format("delta table '{}': version {} the load was planned on is gone",
                                name_, plan.read_version));
  }
  if (plan.txn && snapshot_ && snapshot_->TxnVersion(plan.txn->first) >= plan.txn->second) {
    return std::nullopt;  // this transaction landed already
  }
  for (int64_t v = plan.read_version + 1; v <= current; ++v) {
    auto theirs = ReadDeltaCommit(storage_, key_, v);
    if (!theirs) Conflict(name_, v, "its commit can no longer be read to check");
    CheckConflicts(plan, *theirs, v);
  }
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    int64_t next = (snapshot_ ? snapshot_->version : -1) + 1;
    std::vector<json> actions;
    std::string content = CommitContent(plan, now_ms, actions);
    FaultPoint("delta.before_publish");
    if (storage_.store().PutIfAbsent(DeltaKey(key_, "_delta_log/" + DeltaCommitName(next)),
                                     content)) {
      FaultPoint("delta.after_publish");
      if (!snapshot_) snapshot_.emplace();
      ApplyDeltaActions(*snapshot_, actions);
      snapshot_->version = next;
      MaybeCheckpoint(now_ms);
      return next;
    }
    auto theirs = ReadDeltaCommit(storage_, key_, next);
    if (!theirs) continue;
    if (!snapshot_) Conflict(name_, next, "it created the table at the same time");
    ApplyDeltaActions(*snapshot_, *theirs);
    snapshot_->version = next;
    if (plan.txn && snapshot_->TxnVersion(plan.txn->first) >= plan.txn->second) {
      return std::nullopt;
    }
    CheckConflicts(plan, *theirs, next);
  }
  throw SinkError(fmt::format(
      "delta table '{}': could not commit after {} attempts, other writers keep committing; run "
      "the load again",
      name_, kMaxAttempts));
}

void DeltaTable::MaybeCheckpoint(int64_t now_ms) {
  int64_t interval = 10;
  try {
    interval = std::stoll(snapshot_->Property("delta.checkpointInterval", "10"));
  } catch (const std::exception&) {
  }
  if (interval <= 0 || snapshot_->version == 0 || snapshot_->version % interval != 0) return;
  try {
    WriteDeltaCheckpoint(storage_, key_, *snapshot_, conn_, now_ms);
  } catch (const Error& e) {
    Log(LogLevel::kWarn, "delta checkpoint failed; the table stays readable from its log",
        {{"table", name_}, {"error", e.what()}});
    return;
  }
  // As Delta writers do after a checkpoint: drop log files past the log
  // retention, so a table committed every few minutes keeps a bounded log.
  try {
    if (int64_t n = CleanUpDeltaLog(*this, now_ms, false); n > 0) {
      Log(LogLevel::kDebug, "old delta log files deleted", {{"table", name_}, {"files", n}});
    }
  } catch (const Error& e) {
    Log(LogLevel::kWarn, "delta log clean-up failed; it is retried after the next checkpoint",
        {{"table", name_}, {"error", e.what()}});
  }
}

}  // namespace tributary
