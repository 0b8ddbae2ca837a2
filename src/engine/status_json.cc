#include "engine/status_json.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace tributary {
namespace {

using nlohmann::json;

int64_t Millis(TimePoint from, TimePoint to) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
}

json TextOrNull(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

}  // namespace

std::string IsoUtc(TimePoint t) {
  auto seconds = std::chrono::floor<std::chrono::seconds>(t);
  auto millis = std::chrono::floor<std::chrono::milliseconds>(t - seconds).count();
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", seconds, millis);
}

const char* HealthToken(Health health) {
  return health == Health::kNever ? "never" : HealthName(health);
}

bool Healthy(const TableStatus& status) {
  return status.health == Health::kOk || status.health == Health::kDue;
}

json RunJson(const RunRecord& run) {
  return {{"run_id", run.run_id},
          {"started_at", IsoUtc(run.started_at)},
          {"ended_at", run.ended_at ? json(IsoUtc(*run.ended_at)) : json(nullptr)},
          {"duration_ms", run.ended_at ? json(Millis(run.started_at, *run.ended_at)) : json()},
          {"status", run.status},
          {"command", run.command},
          {"tasks_total", run.tasks_total},
          {"tasks_failed", run.tasks_failed}};
}

json TaskResultJson(const TaskResult& r) {
  return {{"run_id", r.run_id},
          {"task_id", r.task_id},
          {"strategy", r.strategy},
          {"server", r.server},
          {"database", r.database},
          {"source_table", r.source_table},
          {"frequency", r.frequency},
          {"started_at", IsoUtc(r.started_at)},
          {"ended_at", IsoUtc(r.ended_at)},
          {"duration_ms", Millis(r.started_at, r.ended_at)},
          {"rows", r.rows},
          {"bytes", r.bytes},
          {"status", r.status},
          {"error", TextOrNull(r.error)},
          {"table_rows", r.table_rows < 0 ? json(nullptr) : json(r.table_rows)}};
}

json SchemaChangeJson(const SchemaChangeRecord& c) {
  return {{"run_id", TextOrNull(c.run_id)},
          {"task_id", c.task_id},
          {"table", c.table},
          {"column", c.column},
          {"change", c.change},
          {"old_type", TextOrNull(c.old_type)},
          {"new_type", TextOrNull(c.new_type)},
          {"at", IsoUtc(c.at)}};
}

json RunListJson(const std::vector<RunRecord>& runs) {
  json out = {{"runs", json::array()}};
  for (const auto& r : runs) out["runs"].push_back(RunJson(r));
  return out;
}

json RunDetailJson(const RunRecord& run, const std::vector<TaskResult>& results,
                   const std::vector<SchemaChangeRecord>& changes) {
  json out = {{"run", RunJson(run)}, {"results", json::array()}};
  for (const auto& r : results) {
    json result = TaskResultJson(r);
    result["schema_changes"] = json::array();
    for (const auto& c : changes) {
      if (c.task_id == r.task_id) result["schema_changes"].push_back(SchemaChangeJson(c));
    }
    out["results"].push_back(std::move(result));
  }
  return out;
}

json TableStatusJson(const TableStatus& s) {
  const Task& t = *s.task;
  json changes = json::array();
  for (const auto& c : s.schema_changes) changes.push_back(SchemaChangeJson(c));
  bool failed = s.last_attempt && !IsSuccess(*s.last_attempt);
  return {{"task_id", t.id()},
          {"server", t.server},
          {"database", t.database},
          {"source_schema", TextOrNull(t.source_schema)},
          {"source_table", t.source_table},
          {"strategy", t.strategy},
          {"frequency", t.frequency},
          {"health", HealthToken(s.health)},
          {"expected_since", s.expected_since ? json(IsoUtc(*s.expected_since)) : json()},
          {"last_success", s.last_success ? TaskResultJson(*s.last_success) : json()},
          {"last_attempt", s.last_attempt ? TaskResultJson(*s.last_attempt) : json()},
          {"last_error", failed ? json(s.last_attempt->error) : json()},
          {"table_rows", s.last_success && s.last_success->table_rows >= 0
                             ? json(s.last_success->table_rows)
                             : json()},
          {"shape_changed", s.shape_changed},
          {"schema_changes", changes}};
}

json StatusJson(const std::string& project, const std::vector<TableStatus>& tables,
                const std::vector<TableStatus>& models, TimePoint now,
                const std::vector<TableStatus>& reports) {
  json out = {{"generated_at", IsoUtc(now)}, {"project", project},      {"healthy", true},
              {"tables", json::array()},     {"models", json::array()}, {"reports", json::array()}};
  bool healthy = true;
  auto add = [&](const char* key, const std::vector<TableStatus>& rows) {
    for (const auto& s : rows) {
      out[key].push_back(TableStatusJson(s));
      healthy = healthy && Healthy(s);
    }
  };
  add("tables", tables);
  add("models", models);
  add("reports", reports);
  out["healthy"] = healthy;
  return out;
}

}  // namespace tributary
