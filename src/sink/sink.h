// The sink side: where bronze lives. A Sink creates tables from a schema,
// loads them through a TableWriter, keeps each task's state (watermarks, log
// positions) and commits it atomically with the data, and records runs.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "data/batch.h"

namespace tributary {

enum class WriteMode {
  kReplace,  // the table becomes exactly what was written, atomically
  kAppend,   // rows are added to what is there
};

struct LoadSpec {
  std::string table;  // sink table name (inside the sink's bronze schema)
  Schema schema;      // the shape of the batches that will be written
  WriteMode mode = WriteMode::kReplace;
  std::string task_id;  // whose state Commit() stores
};

// Writes one table. Nothing is visible to readers of the sink until Commit();
// destroying an uncommitted writer rolls everything back.
// Not thread-safe; used by the sink thread of one task.
class TableWriter {
 public:
  virtual ~TableWriter() = default;
  // REQUIRES: batch.schema() equals the LoadSpec schema.
  virtual void Write(const Batch& batch) = 0;
  // Publishes the written rows and the task's new `state` in one atomic step.
  // A nullopt state leaves the stored state as it was.
  virtual void Commit(const std::optional<std::string>& state) = 0;
};

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
  int64_t rows = 0;
  int64_t bytes = 0;
  std::string status;  // succeeded | failed
  std::string error;   // empty on success
};

// What the sink knows about one task: its last attempt and last success.
struct TaskHistory {
  std::string task_id;
  std::optional<TaskResult> last_attempt;
  std::optional<TaskResult> last_success;
};

// Thread-safe: tasks running in parallel share one Sink.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual std::unique_ptr<TableWriter> BeginLoad(const LoadSpec& spec) = 0;
  // The state last committed for `task_id`, if any.
  virtual std::optional<std::string> ReadState(const std::string& task_id) = 0;
  virtual void RecordRun(const RunRecord& run) = 0;  // insert or update by run_id
  virtual void RecordTaskResult(const TaskResult& result) = 0;
  virtual std::vector<TaskHistory> ReadHistory() = 0;
  // Columns and row count of a sink table, for tests and `status`; nullopt
  // when the table does not exist.
  virtual std::optional<Schema> DescribeTable(const std::string& table) = 0;
  virtual std::string Describe() const = 0;
};

}  // namespace tributary
