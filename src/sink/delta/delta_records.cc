// DeltaSink's run records: Delta tables _tributary/runs and
// _tributary/task_results, one small file per record, compacted as they grow.
#include <fmt/format.h>

#include <map>

#include "clients/duckdb/duckdb_sql.h"
#include "clients/duckdb/duckdb_values.h"
#include "common/error.h"
#include "common/files.h"
#include "sink/delta/delta_compact.h"
#include "sink/delta/delta_files.h"
#include "sink/delta/delta_prune.h"
#include "sink/delta/delta_sink.h"
#include "sink/delta/delta_types.h"
#include "sink/delta/delta_vacuum.h"
#include "sink/duckdb/run_history.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int64_t kCompactAt = 64;  // live files of a record table before compacting it

Schema RunsSchema() {
  return Schema{{{"run_id", {TypeId::kText}},
                 {"started_at", {TypeId::kTimestampTz}},
                 {"ended_at", {TypeId::kTimestampTz}},
                 {"status", {TypeId::kText}},
                 {"command", {TypeId::kText}},
                 {"tasks_total", {TypeId::kInt32}},
                 {"tasks_failed", {TypeId::kInt32}},
                 {"recorded_at", {TypeId::kTimestampTz}}}};
}

Schema TaskResultsSchema() {
  Schema s;
  for (const char* name :
       {"run_id", "task_id", "strategy", "server", "database", "source_table", "frequency"}) {
    s.fields.push_back({name, {TypeId::kText}});
  }
  s.fields.push_back({"started_at", {TypeId::kTimestampTz}});
  s.fields.push_back({"ended_at", {TypeId::kTimestampTz}});
  s.fields.push_back({"rows", {TypeId::kInt64}});
  s.fields.push_back({"bytes", {TypeId::kInt64}});
  s.fields.push_back({"status", {TypeId::kText}});
  s.fields.push_back({"error", {TypeId::kText}});
  s.fields.push_back({"table_rows", {TypeId::kInt64}});  // added later: older files lack it
  return s;
}

Schema SchemaChangesSchema() {
  Schema s;
  s.fields.push_back({"run_id", {TypeId::kText}});
  s.fields.push_back({"task_id", {TypeId::kText}});
  s.fields.push_back({"task_version", {TypeId::kInt64}});
  for (const char* name : {"table_name", "column_name", "change", "old_type", "new_type"}) {
    s.fields.push_back({name, {TypeId::kText}});
  }
  s.fields.push_back({"changed_at", {TypeId::kTimestampTz}});
  return s;
}

std::string Text(const std::string& value) { return DuckString(value) + "::VARCHAR"; }

std::string Time(const std::optional<TimePoint>& t) {
  if (!t) return "NULL::TIMESTAMPTZ";
  return fmt::format("make_timestamp({}::BIGINT)::TIMESTAMPTZ", ToMicros(*t));
}

std::string Select(const Schema& schema, const std::vector<std::string>& values) {
  std::string sql;
  for (size_t i = 0; i < values.size(); ++i) {
    sql += (sql.empty() ? "" : ", ") + values[i] + " AS " + DuckQuote(schema.fields[i].name);
  }
  return "SELECT " + sql;
}

json NewMetadata(const Schema& schema, int64_t now_ms) {
  return {{"id", NewUuid()},
          {"format", {{"provider", "parquet"}, {"options", json::object()}}},
          {"schemaString", DeltaSchemaString(schema)},
          {"partitionColumns", json::array()},
          {"configuration", json::object()},
          {"createdTime", now_ms}};
}

// Appends the one row `select_sql` yields to the record table `name`.
void AppendRecord(DeltaSink& sink, const std::string& name, const Schema& schema,
                  const std::string& select_sql) {
  auto lock = FileLock::Acquire(sink.LockPath("records", name));
  DuckConnection conn = sink.Connect();
  DeltaTable table(sink.storage(), "_tributary/" + name, "_tributary/" + name, conn.get());
  const auto& snapshot = table.Refresh();
  int64_t now = sink.NowMs();
  DeltaCommitPlan plan;
  plan.read_version = snapshot ? snapshot->version : -1;
  if (!snapshot) {
    plan.protocol = json{{"minReaderVersion", 1}, {"minWriterVersion", 2}};
    plan.metadata = NewMetadata(schema, now);
  } else if (snapshot->metadata.value("schemaString", "") != DeltaSchemaString(schema)) {
    plan.metadata = snapshot->metadata;  // a column added since the table was created
    (*plan.metadata)["schemaString"] = DeltaSchemaString(schema);
  }
  plan.adds = WriteDeltaDataFiles(conn.get(), select_sql, sink.storage(), table.key(),
                                  DeltaFileSpec{schema, {}, int64_t{1} << 30, true}, now);
  table.Commit(plan, now);
  if (static_cast<int64_t>(table.snapshot()->files.size()) >= kCompactAt) {
    CompactDeltaTable(table, conn.get(), int64_t{64} << 20, now);
  }
}

// The live files of the runs table that hold a row of `run_id`, as the log
// names them (file statistics prune the rest; DuckDB checks the others).
std::vector<std::string> FilesHoldingRun(DeltaStorage& storage, const DeltaTable& table,
                                         duckdb_connection conn, const std::string& run_id) {
  std::map<std::string, std::string> by_readable;  // readable path → log path
  std::string files;
  for (const auto& [path, add] : table.snapshot()->files) {
    if (!MayHoldBetween(BoundsOf(add, "run_id", false), DataType{TypeId::kText}, run_id, run_id))
      continue;
    std::string file = storage.Readable(DeltaKey(table.key(), DecodeDeltaPath(path))).string();
    by_readable[file] = path;
    files += (files.empty() ? "" : ", ") + Text(file);
  }
  std::vector<std::string> holding;
  if (files.empty()) return holding;
  DuckResult result =
      DuckExec(conn,
               fmt::format("SELECT DISTINCT filename FROM read_parquet([{}], filename = true, "
                           "union_by_name = true, hive_partitioning = false) WHERE run_id = {}",
                           files, DuckString(run_id)),
               "cannot read the runs");
  for (uint64_t row = 0; row < ResultRows(result); ++row) {
    auto it = by_readable.find(ResultText(result, 0, row).value_or(""));
    if (it == by_readable.end()) throw SinkError("the runs table names a file it cannot find");
    holding.push_back(it->second);
  }
  return holding;
}

// Makes `row_sql` (one row of the runs table) the one row of `run_id`: a
// plain append when the run has none yet, otherwise one commit that removes
// the files holding its row and adds them rewritten with `row_sql` in its
// place (copy-on-write, like a merge). Every version of the table holds one
// row per run; a process killed at any point leaves the previous version.
void UpsertRunRecord(DeltaSink& sink, const std::string& run_id, const std::string& row_sql) {
  auto lock = FileLock::Acquire(sink.LockPath("records", "runs"));
  DuckConnection conn = sink.Connect();
  DeltaTable table(sink.storage(), "_tributary/runs", "_tributary/runs", conn.get());
  Schema schema = RunsSchema();
  int64_t now = sink.NowMs();
  DeltaCommitPlan plan;
  std::string select = row_sql;
  if (!table.Refresh()) {
    plan.protocol = json{{"minReaderVersion", 1}, {"minWriterVersion", 2}};
    plan.metadata = NewMetadata(schema, now);
  } else {
    plan.read_version = table.snapshot()->version;
    plan.removes = FilesHoldingRun(sink.storage(), table, conn.get(), run_id);
  }
  if (!plan.removes.empty()) {
    std::string columns, files;
    for (const auto& f : schema.fields) {
      columns += (columns.empty() ? "" : ", ") + DuckQuote(f.name);
    }
    for (const auto& path : plan.removes) {
      std::string file =
          sink.storage().Readable(DeltaKey(table.key(), DecodeDeltaPath(path))).string();
      files += (files.empty() ? "" : ", ") + Text(file);
    }
    select = fmt::format(
        "SELECT {} FROM read_parquet([{}], union_by_name = true, hive_partitioning = false) "
        "WHERE run_id <> {} UNION ALL {}",
        columns, files, DuckString(run_id), row_sql);
    plan.operation = "MERGE";
    plan.rewrites = true;
  }
  plan.adds = WriteDeltaDataFiles(conn.get(), select, sink.storage(), table.key(),
                                  DeltaFileSpec{schema, {}, int64_t{1} << 30, true}, now);
  table.Commit(plan, now);
  if (static_cast<int64_t>(table.snapshot()->files.size()) >= kCompactAt) {
    CompactDeltaTable(table, conn.get(), int64_t{64} << 20, now);
  }
}

}  // namespace

void DeltaSink::RecordRun(const RunRecord& run) {
  std::lock_guard lock(records_mutex_);
  Schema schema = RunsSchema();
  UpsertRunRecord(
      *this, run.run_id,
      Select(schema, {Text(run.run_id), Time(run.started_at), Time(run.ended_at), Text(run.status),
                      Text(run.command), fmt::format("{}::INTEGER", run.tasks_total),
                      fmt::format("{}::INTEGER", run.tasks_failed), Time(clock_.Now())}));
}

void DeltaSink::RecordTaskResult(const TaskResult& r) {
  std::lock_guard lock(records_mutex_);
  Schema schema = TaskResultsSchema();
  AppendRecord(
      *this, "task_results", schema,
      Select(schema,
             {Text(r.run_id), Text(r.task_id), Text(r.strategy), Text(r.server), Text(r.database),
              Text(r.source_table), Text(r.frequency), Time(r.started_at), Time(r.ended_at),
              fmt::format("{}::BIGINT", r.rows), fmt::format("{}::BIGINT", r.bytes), Text(r.status),
              Text(r.error), fmt::format("{}::BIGINT", r.table_rows)}));
}

void DeltaSink::AppendSchemaChanges(const std::string& task_id, int64_t version,
                                    const std::vector<SchemaChangeRecord>& changes) {
  if (changes.empty()) return;
  std::lock_guard lock(records_mutex_);
  Schema schema = SchemaChangesSchema();
  std::string rows;
  for (const SchemaChangeRecord& c : changes) {
    rows += (rows.empty() ? "" : " UNION ALL ") +
            Select(schema, {Text(c.run_id), Text(task_id), fmt::format("{}::BIGINT", version),
                            Text(c.table), Text(c.column), Text(c.change), Text(c.old_type),
                            Text(c.new_type), Time(c.at)});
  }
  AppendRecord(*this, "schema_changes", schema, rows);
}

std::vector<std::pair<std::string, VacuumResult>> DeltaSink::VacuumRecords(
    const VacuumOptions& options) {
  std::vector<std::pair<std::string, VacuumResult>> results;
  for (const std::string name : {"runs", "task_results", "schema_changes"}) {
    auto lock = FileLock::Acquire(LockPath("records", name));
    DuckConnection conn = Connect();
    DeltaTable table(storage_, "_tributary/" + name, "_tributary/" + name, conn.get());
    if (!table.Refresh()) continue;
    results.emplace_back("_tributary/" + name, VacuumDeltaTable(table, options, {}, NowMs()));
  }
  return results;
}

namespace {

// A read_parquet call over the live files of record table `key`; nullopt
// when it has none yet.
std::optional<std::string> RecordScan(DeltaStorage& storage, const std::string& key,
                                      duckdb_connection conn) {
  auto snapshot = ReadDeltaSnapshot(storage, key, conn);
  if (!snapshot || snapshot->files.empty()) return std::nullopt;
  std::string files;
  for (const auto& [path, add] : snapshot->files) {
    std::string file = storage.Readable(DeltaKey(key, DecodeDeltaPath(path))).string();
    files += (files.empty() ? "" : ", ") + Text(file);
  }
  return fmt::format("read_parquet([{}], union_by_name = true, hive_partitioning = false)", files);
}

// The task result rows with every column of today, NULL where older files
// lack one.
std::optional<std::string> TaskResultScan(DeltaStorage& storage, duckdb_connection conn) {
  auto scan = RecordScan(storage, "_tributary/task_results", conn);
  if (!scan) return std::nullopt;
  return fmt::format(
      "(SELECT * FROM {} UNION ALL BY NAME SELECT NULL::BIGINT AS table_rows "
      "WHERE false)",
      *scan);
}

// The schema change rows, once each: a transaction whose recording was
// repeated (a crash before its record was marked complete) has them twice.
std::optional<std::string> SchemaChangeScan(DeltaStorage& storage, duckdb_connection conn) {
  auto scan = RecordScan(storage, "_tributary/schema_changes", conn);
  if (!scan) return std::nullopt;
  return fmt::format(
      "(SELECT DISTINCT ON (task_id, task_version, table_name, column_name, change) * FROM {})",
      *scan);
}

}  // namespace

std::vector<TaskHistory> DeltaSink::ReadHistory() {
  DuckConnection conn = Connect();
  auto scan = TaskResultScan(storage_, conn.get());
  if (!scan) return {};
  DuckResult result = DuckExec(conn.get(), TaskHistorySql(*scan), "cannot read the task history");
  std::vector<TaskHistory> history = ReadTaskHistory(result);
  if (auto changes_scan = SchemaChangeScan(storage_, conn.get())) {
    DuckResult changes = DuckExec(conn.get(), RecentSchemaChangesSql(*changes_scan),
                                  "cannot read the schema changes");
    AttachSchemaChanges(history, ReadSchemaChangeRecords(changes));
  }
  return history;
}

std::vector<RunRecord> DeltaSink::ReadRuns(const RunQuery& query) {
  DuckConnection conn = Connect();
  auto scan = RecordScan(storage_, "_tributary/runs", conn.get());
  if (!scan) return {};
  DuckResult result = DuckExec(conn.get(), RunsSql(*scan, query), "cannot read the runs");
  return ReadRunRecords(result);
}

std::vector<TaskResult> DeltaSink::ReadRunResults(const std::string& run_id) {
  DuckConnection conn = Connect();
  auto scan = TaskResultScan(storage_, conn.get());
  if (!scan) return {};
  DuckResult result = DuckExec(conn.get(), RunResultsSql(*scan, run_id),
                               fmt::format("cannot read the results of run '{}'", run_id));
  return tributary::ReadTaskResults(result);
}

std::vector<TaskResult> DeltaSink::ReadTaskResults(const std::string& task_id, int limit) {
  DuckConnection conn = Connect();
  auto scan = TaskResultScan(storage_, conn.get());
  if (!scan) return {};
  DuckResult result = DuckExec(conn.get(), TaskResultsSql(*scan, task_id, limit),
                               fmt::format("cannot read the results of task '{}'", task_id));
  return tributary::ReadTaskResults(result);
}

std::vector<SchemaChangeRecord> DeltaSink::ReadSchemaChanges(const SchemaChangeQuery& query) {
  DuckConnection conn = Connect();
  auto scan = SchemaChangeScan(storage_, conn.get());
  if (!scan) return {};
  DuckResult result =
      DuckExec(conn.get(), SchemaChangesSql(*scan, query), "cannot read the schema changes");
  return ReadSchemaChangeRecords(result);
}

std::map<std::string, std::string> DeltaSink::LastSchemaChanges(const std::string& table) {
  DuckConnection conn = Connect();
  std::map<std::string, std::string> last;
  auto scan = SchemaChangeScan(storage_, conn.get());
  if (!scan) return last;
  DuckResult result = DuckExec(
      conn.get(),
      fmt::format("SELECT column_name, arg_max(change, changed_at) FROM {} WHERE table_name = {} "
                  "GROUP BY column_name",
                  *scan, DuckString(table)),
      "cannot read the schema changes");
  for (uint64_t row = 0; row < ResultRows(result); ++row) {
    last[ResultText(result, 0, row).value_or("")] = ResultText(result, 1, row).value_or("");
  }
  return last;
}

}  // namespace tributary
