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
};

// A success for freshness: the task's data is current.
inline bool IsSuccess(const TaskResult& r) {
  return r.status == "succeeded" || r.status == "unchanged";
}

// What the sink knows about one task: its last attempt, its last success
// (IsSuccess) and its last change: the last `succeeded` result whose rows are
// not 0 (a load that landed rows, a model that was built; -1 counts).
struct TaskHistory {
  std::string task_id;
  std::optional<TaskResult> last_attempt;
  std::optional<TaskResult> last_success;
  std::optional<TaskResult> last_change;
};

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
  virtual std::vector<TaskHistory> ReadHistory() = 0;
  // Runs by start time, newest first (ties: larger run_id first); one
  // record per run_id, its latest. Empty when none match.
  virtual std::vector<RunRecord> ReadRuns(const RunQuery& query) = 0;
  // The task results recorded for `run_id` (models included), by start
  // time then task id, errors in full. Empty for an unknown run.
  virtual std::vector<TaskResult> ReadRunResults(const std::string& run_id) = 0;
};

}  // namespace tributary
