// DeltaSink's run records: Delta tables _tributary/runs and
// _tributary/task_results, one small file per record, compacted as they grow.
#include <fmt/format.h>

#include "common/error.h"
#include "sink/delta_compact.h"
#include "sink/delta_files.h"
#include "sink/delta_sink.h"
#include "sink/delta_types.h"
#include "sink/duck_values.h"
#include "sink/duckdb_sql.h"
#include "sink/local_files.h"

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
  return s;
}

std::string Text(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'::VARCHAR";
}

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

constexpr const char* kHistorySql = R"(
WITH ranked AS (
  SELECT *,
         row_number() OVER (PARTITION BY task_id ORDER BY started_at DESC, ended_at DESC) AS attempt,
         row_number() OVER (PARTITION BY task_id, status = 'succeeded'
                            ORDER BY started_at DESC, ended_at DESC) AS by_status
  FROM read_parquet([{}], union_by_name = true, hive_partitioning = false))
SELECT run_id, task_id, strategy, server, database, source_table, frequency,
       epoch_us(started_at), epoch_us(ended_at), rows, bytes, status, error,
       attempt = 1 AS is_last_attempt, status = 'succeeded' AND by_status = 1 AS is_last_success
FROM ranked
WHERE attempt = 1 OR (status = 'succeeded' AND by_status = 1)
ORDER BY task_id)";

TaskResult ReadTaskResult(DuckResult& result, uint64_t row) {
  auto text = [&](uint64_t col) { return ResultText(result, col, row).value_or(""); };
  TaskResult r;
  r.run_id = text(0);
  r.task_id = text(1);
  r.strategy = text(2);
  r.server = text(3);
  r.database = text(4);
  r.source_table = text(5);
  r.frequency = text(6);
  r.started_at = FromMicros(ResultInt(result, 7, row).value_or(0));
  r.ended_at = FromMicros(ResultInt(result, 8, row).value_or(0));
  r.rows = ResultInt(result, 9, row).value_or(0);
  r.bytes = ResultInt(result, 10, row).value_or(0);
  r.status = text(11);
  r.error = text(12);
  return r;
}

// Appends the one row `select_sql` yields to the record table `name`.
void AppendRecord(DeltaSink& sink, const std::string& name, const Schema& schema,
                  const std::string& select_sql) {
  auto lock = FileLock::Acquire(sink.LockPath("records", name));
  DuckConnection conn = sink.Connect();
  DeltaTable table(sink.root() / "_tributary" / name, "_tributary/" + name, conn.get());
  const auto& snapshot = table.Refresh();
  int64_t now = sink.NowMs();
  DeltaCommitPlan plan;
  plan.read_version = snapshot ? snapshot->version : -1;
  if (!snapshot) {
    plan.protocol = json{{"minReaderVersion", 1}, {"minWriterVersion", 2}};
    plan.metadata = NewMetadata(schema, now);
  }
  plan.adds = WriteDeltaDataFiles(conn.get(), select_sql, table.dir(),
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
  AppendRecord(
      *this, "runs", schema,
      Select(schema, {Text(run.run_id), Time(run.started_at), Time(run.ended_at), Text(run.status),
                      Text(run.command), fmt::format("{}::INTEGER", run.tasks_total),
                      fmt::format("{}::INTEGER", run.tasks_failed), Time(clock_.Now())}));
}

void DeltaSink::RecordTaskResult(const TaskResult& r) {
  std::lock_guard lock(records_mutex_);
  Schema schema = TaskResultsSchema();
  AppendRecord(
      *this, "task_results", schema,
      Select(schema, {Text(r.run_id), Text(r.task_id), Text(r.strategy), Text(r.server),
                      Text(r.database), Text(r.source_table), Text(r.frequency), Time(r.started_at),
                      Time(r.ended_at), fmt::format("{}::BIGINT", r.rows),
                      fmt::format("{}::BIGINT", r.bytes), Text(r.status), Text(r.error)}));
}

std::vector<TaskHistory> DeltaSink::ReadHistory() {
  DuckConnection conn = Connect();
  fs::path dir = root_ / "_tributary" / "task_results";
  auto snapshot = ReadDeltaSnapshot(dir, conn.get());
  std::vector<TaskHistory> history;
  if (!snapshot || snapshot->files.empty()) return history;
  std::string files;
  for (const auto& [path, add] : snapshot->files) {
    std::string file = (dir / DecodeDeltaPath(path)).string();
    files += (files.empty() ? "" : ", ") + Text(file);
  }
  DuckResult result =
      DuckExec(conn.get(), fmt::format(kHistorySql, files), "cannot read the task history");
  for (uint64_t row = 0; row < ResultRows(result); ++row) {
    TaskResult r = ReadTaskResult(result, row);
    if (history.empty() || history.back().task_id != r.task_id) {
      history.push_back(TaskHistory{r.task_id, std::nullopt, std::nullopt});
    }
    if (ResultInt(result, 13, row).value_or(0) != 0) history.back().last_attempt = r;
    if (ResultInt(result, 14, row).value_or(0) != 0) history.back().last_success = r;
  }
  return history;
}

}  // namespace tributary
