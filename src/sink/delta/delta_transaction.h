// A Delta load transaction and the repair of interrupted ones; the commit
// protocol is described in delta_journal.h and docs/delta.md.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "clients/duckdb/duckdb_handles.h"
#include "common/files.h"
#include "sink/delta/delta_journal.h"
#include "sink/delta/delta_table_writer.h"
#include "sink/sink.h"

namespace tributary {

class DeltaSink;

// Holds the task's lock from construction to destruction, so one task never
// loads twice at once (also across processes). Not thread-safe.
class DeltaLoadTransaction final : public LoadTransaction {
 public:
  // Takes the task lock and finishes an interrupted earlier transaction of
  // the task, if any. Throws SinkError.
  DeltaLoadTransaction(DeltaSink& sink, std::string task_id);
  ~DeltaLoadTransaction() override;  // uncommitted: deletes the files written

  TableWriter& Open(const LoadSpec& spec) override;
  void Commit(const std::optional<std::string>& state) override;

 private:
  TaskRecord Journal(const std::optional<std::string>& state, std::vector<DeltaCommitPlan>& plans);
  void CommitTables(const TaskRecord& record, std::vector<DeltaCommitPlan>& plans);

  DeltaSink& sink_;
  std::string task_id_;
  std::string run_id_;  // CurrentRunId() at Begin
  FileLock task_lock_;
  DuckConnection conn_;
  std::vector<std::unique_ptr<DeltaTableWriter>> writers_;
  bool committed_ = false;
  bool journaled_ = false;  // the record names the files: recovery may still commit them
};

// The task's record after finishing an interrupted transaction (committing
// the table commits it lacks, or rolling it back when none had landed).
// REQUIRES: the caller holds the task's lock. Throws SinkError when it cannot
// be finished (e.g. another writer changed a table in a conflicting way).
std::optional<TaskRecord> CompleteTaskRecord(DeltaSink& sink, duckdb_connection conn,
                                             const std::string& task_id);

// The task's lock, taken without waiting; throws SinkError naming the task
// when another load of it holds the lock.
FileLock LockTask(DeltaSink& sink, const std::string& task_id);

}  // namespace tributary
