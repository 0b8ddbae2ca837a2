// The task journal of the Delta sink: one small JSON object per task under
// <root>/_tributary/tasks/ holding the task's committed state and, while a
// load transaction commits, the plan of every table commit it makes.
//
// Delta commits are atomic per table only. A transaction over several tables
// (CDC: a change history and a current table) therefore first writes its
// record, with version V (the txn version every table commit carries, appId =
// task) and all table commit plans, then commits the tables one by one, then
// marks the record complete. A crash between two table commits leaves an
// incomplete record; the next Begin() or ReadState() of the task finishes
// it: tables whose txn version is already V are skipped, the others are
// committed from the plan (their data files are already written). So every
// table ends up with the transaction exactly once and the state is the one
// committed with it.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sink/delta/delta_table.h"
#include "sink/run_log.h"

namespace tributary {

struct TaskRecord {
  int64_t version = 0;               // txn version of the last transaction (0: none yet)
  std::optional<std::string> state;  // the task's state as of `version`
  bool complete = true;              // false while table commits of `version` may be missing
  std::map<std::string, DeltaCommitPlan> plans;  // table → its commit (incomplete records)
  int64_t previous_version = 0;                  // what the record said before `version`
  std::optional<std::string> previous_state;
  // The schema changes `version` makes (incomplete records): appended to
  // _tributary/schema_changes once its tables have landed.
  std::vector<SchemaChangeRecord> schema_changes;
};

// Where the records live in the sink's store: one object per task.
inline constexpr const char* kTaskRecordPrefix = "_tributary/tasks/";

// The record of `task_id`, or nullopt when the task never committed.
std::optional<TaskRecord> ReadTaskRecord(ObjectStore& store, const std::string& task_id);
// Replaces the record atomically. Throws SinkError.
void WriteTaskRecord(ObjectStore& store, const std::string& task_id, const TaskRecord& record);

nlohmann::json PlanToJson(const DeltaCommitPlan& plan);
DeltaCommitPlan PlanFromJson(const nlohmann::json& json);

// A file-name-safe spelling of a task id or table name (percent-encoding).
std::string SafeFileName(const std::string& name);

}  // namespace tributary
