#include "sink/delta/delta_transaction.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/error.h"
#include "common/fault_point.h"
#include "common/log.h"
#include "sink/delta/delta_files.h"
#include "sink/delta/delta_sink.h"
#include "sink/schema_evolution.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

void DeletePlanFiles(DeltaSink& sink, const std::string& table, const DeltaCommitPlan& plan) {
  DeleteDeltaDataFiles(sink.storage(), sink.TableKey(table), plan.adds);
}

bool Landed(DeltaTable& table, const std::string& task_id, int64_t version) {
  const auto& snapshot = table.Refresh();
  return snapshot && snapshot->TxnVersion(task_id) >= version;
}

TaskRecord RolledBack(const TaskRecord& record) {
  TaskRecord back;
  back.version = record.previous_version;
  back.state = record.previous_state;
  return back;
}

}  // namespace

FileLock LockTask(DeltaSink& sink, const std::string& task_id) {
  fs::path path = sink.LockPath("task", task_id);
  auto lock = FileLock::TryAcquire(path);
  if (!lock) {
    throw SinkError(fmt::format(
        "task '{}' is being loaded by another tributary run (lock '{}'); wait for it to finish",
        task_id, path.string()));
  }
  return std::move(*lock);
}

std::optional<TaskRecord> CompleteTaskRecord(DeltaSink& sink, duckdb_connection conn,
                                             const std::string& task_id) {
  std::optional<TaskRecord> record = ReadTaskRecord(sink.store(), task_id);
  if (!record || record->complete) return record;
  std::vector<std::string> landed, missing;
  std::string failure;
  for (const auto& [name, plan] : record->plans) {
    auto lock = FileLock::Acquire(sink.LockPath("table", name));
    DeltaTable table(sink.storage(), sink.TableKey(name), name, conn);
    try {
      if (!Landed(table, task_id, record->version)) table.Commit(plan, sink.NowMs());
      landed.push_back(name);
    } catch (const Error& e) {
      missing.push_back(name);
      failure = e.what();
    }
  }
  if (!missing.empty() && !landed.empty()) {
    throw SinkError(fmt::format(
        "task '{}': an interrupted load committed tables [{}] but [{}] cannot be completed: {}",
        task_id, fmt::join(landed, ", "), fmt::join(missing, ", "), failure));
  }
  if (!missing.empty()) {
    for (const auto& [name, plan] : record->plans) DeletePlanFiles(sink, name, plan);
    *record = RolledBack(*record);
  } else {
    sink.AppendSchemaChanges(task_id, record->version, record->schema_changes);
    record->complete = true;
    record->plans.clear();
    record->schema_changes.clear();
  }
  WriteTaskRecord(sink.store(), task_id, *record);
  return record;
}

DeltaLoadTransaction::DeltaLoadTransaction(DeltaSink& sink, std::string task_id)
    : sink_(sink),
      task_id_(std::move(task_id)),
      run_id_(CurrentRunId()),
      task_lock_(LockTask(sink, task_id_)),
      conn_(sink.Connect()) {
  CompleteTaskRecord(sink_, conn_.get(), task_id_);
}

DeltaLoadTransaction::~DeltaLoadTransaction() {
  if (committed_ || journaled_) return;
  for (auto& w : writers_) w->Discard();
}

TableWriter& DeltaLoadTransaction::Open(const LoadSpec& spec) {
  if (committed_) throw SinkError(fmt::format("table '{}': opened after commit", spec.table));
  for (const auto& w : writers_) {
    if (w->table() == spec.table) {
      throw SinkError(fmt::format("table '{}' is opened twice in one load", spec.table));
    }
  }
  writers_.push_back(std::make_unique<DeltaTableWriter>(sink_, conn_.get(), spec));
  return *writers_.back();
}

TaskRecord DeltaLoadTransaction::Journal(const std::optional<std::string>& state,
                                         std::vector<DeltaCommitPlan>& plans) {
  TaskRecord before = ReadTaskRecord(sink_.store(), task_id_).value_or(TaskRecord{});
  TaskRecord record;
  record.version = before.version + 1;
  record.state = state ? state : before.state;
  record.complete = false;
  record.previous_version = before.version;
  record.previous_state = before.state;
  json tributary = {{"task", task_id_}, {"version", record.version}};
  tributary["state"] = record.state ? json(*record.state) : json(nullptr);
  TimePoint now = FromMicros(sink_.NowMs() * 1000);
  for (const auto& w : writers_) {
    std::map<std::string, std::string> last;
    for (SchemaChangeRecord c : w->schema_changes()) {
      // A column kept by an earlier load and still kept is no new change.
      if (c.change == "kept") {
        if (last.empty()) last = sink_.LastSchemaChanges(w->table());
        if (last[c.column] == "kept") continue;
      }
      c.run_id = run_id_;
      c.task_id = task_id_;
      c.at = now;
      record.schema_changes.push_back(std::move(c));
    }
  }
  for (size_t i = 0; i < plans.size(); ++i) {
    plans[i].txn = {task_id_, record.version};
    plans[i].tributary = tributary;
    record.plans[writers_[i]->table()] = plans[i];
  }
  WriteTaskRecord(sink_.store(), task_id_, record);
  journaled_ = true;
  FaultPoint("delta.after_journal");
  return record;
}

void DeltaLoadTransaction::CommitTables(const TaskRecord& record,
                                        std::vector<DeltaCommitPlan>& plans) {
  size_t done = 0;
  try {
    for (; done < plans.size(); ++done) {
      writers_[done]->delta().Commit(plans[done], sink_.NowMs());
      FaultPoint("delta.after_table_commit");
    }
  } catch (const Error& e) {
    bool any = false;
    for (auto& w : writers_) any = any || Landed(w->delta(), task_id_, record.version);
    if (any) {
      throw SinkError(fmt::format(
          "task '{}': {} — the other tables of this load are committed; the next run of the task "
          "completes the load",
          task_id_, e.what()));
    }
    WriteTaskRecord(sink_.store(), task_id_, RolledBack(record));
    journaled_ = false;  // nothing landed: the destructor deletes the files
    throw;
  }
}

void DeltaLoadTransaction::Commit(const std::optional<std::string>& state) {
  if (committed_) throw SinkError(fmt::format("task '{}': committed twice", task_id_));
  std::vector<DeltaCommitPlan> plans;
  for (auto& w : writers_) plans.push_back(w->Finish());
  TaskRecord record = Journal(state, plans);
  CommitTables(record, plans);
  committed_ = true;
  try {
    sink_.AppendSchemaChanges(task_id_, record.version, record.schema_changes);
  } catch (const Error& e) {
    // The tables have landed; the next Begin() of the task records them.
    Log(LogLevel::kWarn, "could not record the schema changes; the next load of the task will",
        {{"task", task_id_}, {"error", e.what()}});
    return;
  }
  record.complete = true;
  record.plans.clear();
  record.schema_changes.clear();
  WriteTaskRecord(sink_.store(), task_id_, record);
}

}  // namespace tributary
