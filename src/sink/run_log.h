// Run bookkeeping: every run of `tributary run` or the scheduler and every
// task's result, kept by the sink beside the data (_tributary.runs and
// _tributary.task_results, docs/state.md). The runner, `status` and the
// scheduler use it; strategies never see it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"

namespace tributary {

struct RunRecord {
  std::string run_id;
  TimePoint started_at;
  std::optional<TimePoint> ended_at;
  std::string status;   // running | succeeded | failed
  std::string command;  // the filters, as given on the command line
  int tasks_total = 0;
  int tasks_failed = 0;
};

struct TaskResult {
  std::string run_id;
  std::string task_id;  // the sink table
  std::string strategy;
  std::string server;
  std::string database;
  std::string source_table;
  std::string frequency;
  TimePoint started_at;
  TimePoint ended_at;
  int64_t rows = 0;  // -1: not known (a dbt adapter that does not say)
  int64_t bytes = 0;
  // succeeded | failed; for dbt models also skipped (not built: an upstream
  // load or model failed) and unchanged (not built: nothing it reads changed
  // since its last build, so it is as fresh as a build would make it).
  std::string status;
  std::string error;  // empty on success; the reason for skipped and unchanged
  // Rows in the sink table after the load committed (-1: not known: a failed
  // load, a model, a record from before this figure was kept). PostgreSQL
  // sinks give their estimate (pg_class.reltuples) above a million rows.
  int64_t table_rows = -1;
};

// One change a load made to the shape of a sink table, committed with the
// load (schema_evolution.h): `change` is added, widened, type_changed, kept
// (gone at the source, kept as a NULL column) or dropped. Recorded once: a
// column kept by one load is not recorded again by the next.
struct SchemaChangeRecord {
  std::string run_id;   // the run whose load committed it ("" outside a run)
  std::string task_id;  // the task whose load made it
  std::string table;    // the sink table
  std::string column;
  std::string change;
  std::string old_type;  // "" for added
  std::string new_type;  // "" for kept and dropped
  TimePoint at;          // when the load committed
};

// What the sink knows about one task: its last attempt, its last success
// (IsSuccess) and its last change: the last `succeeded` result whose rows are
// not 0 (a load that landed rows, a model that was built; -1 counts).
struct TaskHistory {
  std::string task_id;
  std::optional<TaskResult> last_attempt;
  std::optional<TaskResult> last_success;
  std::optional<TaskResult> last_change;
  // Its latest schema changes (at most kHistorySchemaChanges), newest first.
  std::vector<SchemaChangeRecord> schema_changes = {};
};

inline constexpr int kHistorySchemaChanges = 10;

// Gives each task of `history` its records of `changes` (newest first, as
// ReadSchemaChanges orders them), at most kHistorySchemaChanges each.
void AttachSchemaChanges(std::vector<TaskHistory>& history,
                         const std::vector<SchemaChangeRecord>& changes);

// Whether the task's last successful load changed its table's shape (a
// schema change recorded under that load's run).
inline bool ShapeChangedInLastLoad(const TaskHistory& h) {
  return h.last_success && !h.last_success->run_id.empty() && !h.schema_changes.empty() &&
         h.schema_changes.front().run_id == h.last_success->run_id;
}

// Which schema changes ReadSchemaChanges returns: newest first, at most
// `limit`; only `task_id`'s and/or only `run_id`'s when given.
struct SchemaChangeQuery {
  std::string task_id;
  std::string run_id;
  int limit = 20;
};

// A success for freshness: the task's data is current.
inline bool IsSuccess(const TaskResult& r) {
  return r.status == "succeeded" || r.status == "unchanged";
}

// Which runs ReadRuns returns.
struct RunQuery {
  int limit = 20;      // at most this many, newest first
  std::string run_id;  // non-empty: only this run
};

// Thread-safe: parallel tasks record their results through one RunLog.
class RunLog {
 public:
  virtual ~RunLog() = default;
  virtual void RecordRun(const RunRecord& run) = 0;  // insert or update by run_id
  virtual void RecordTaskResult(const TaskResult& result) = 0;
  // Every task's TaskHistory, its recent schema changes included.
  virtual std::vector<TaskHistory> ReadHistory() = 0;
  // Runs by start time, newest first (ties: larger run_id first); one
  // record per run_id, its latest. Empty when none match.
  virtual std::vector<RunRecord> ReadRuns(const RunQuery& query) = 0;
  // The task results recorded for `run_id` (models included), by start
  // time then task id, errors in full. Empty for an unknown run.
  virtual std::vector<TaskResult> ReadRunResults(const std::string& run_id) = 0;
  // The newest `limit` results of one task, newest first (by start time).
  virtual std::vector<TaskResult> ReadTaskResults(const std::string& task_id, int limit) = 0;
  // Schema changes committed by loads (SchemaChangeRecord), newest first
  // (ties: table, column).
  virtual std::vector<SchemaChangeRecord> ReadSchemaChanges(const SchemaChangeQuery& query) = 0;
};

}  // namespace tributary
