#include "sink/duckdb/history_snapshot.h"

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/files.h"

namespace tributary {
namespace {

using nlohmann::json;

json ResultJson(const TaskResult& r) {
  return {{"run_id", r.run_id},
          {"task_id", r.task_id},
          {"strategy", r.strategy},
          {"server", r.server},
          {"database", r.database},
          {"source_table", r.source_table},
          {"frequency", r.frequency},
          {"started_us", ToMicros(r.started_at)},
          {"ended_us", ToMicros(r.ended_at)},
          {"rows", r.rows},
          {"bytes", r.bytes},
          {"status", r.status},
          {"error", r.error},
          {"table_rows", r.table_rows}};
}

TaskResult ResultFrom(const json& j) {
  TaskResult r;
  r.run_id = j.at("run_id");
  r.task_id = j.at("task_id");
  r.strategy = j.at("strategy");
  r.server = j.at("server");
  r.database = j.at("database");
  r.source_table = j.at("source_table");
  r.frequency = j.at("frequency");
  r.started_at = FromMicros(j.at("started_us").get<int64_t>());
  r.ended_at = FromMicros(j.at("ended_us").get<int64_t>());
  r.rows = j.at("rows");
  r.bytes = j.at("bytes");
  r.status = j.at("status");
  r.error = j.at("error");
  r.table_rows = j.value("table_rows", int64_t{-1});
  return r;
}

json ChangeJson(const SchemaChangeRecord& c) {
  return {{"run_id", c.run_id},     {"task_id", c.task_id},   {"table", c.table},
          {"column", c.column},     {"change", c.change},     {"old_type", c.old_type},
          {"new_type", c.new_type}, {"at_us", ToMicros(c.at)}};
}

SchemaChangeRecord ChangeFrom(const json& j) {
  return SchemaChangeRecord{
      j.at("run_id"), j.at("task_id"),  j.at("table"),    j.at("column"),
      j.at("change"), j.at("old_type"), j.at("new_type"), FromMicros(j.at("at_us").get<int64_t>())};
}

json Optional(const std::optional<TaskResult>& r) { return r ? ResultJson(*r) : json(); }

std::optional<TaskResult> OptionalFrom(const json& j) {
  if (j.is_null()) return std::nullopt;
  return ResultFrom(j);
}

}  // namespace

std::filesystem::path HistorySnapshotPath(const std::filesystem::path& file) {
  std::filesystem::path path = file;
  return path += ".history.json";
}

void WriteHistorySnapshot(const std::filesystem::path& file, const HistorySnapshot& snapshot) {
  json tasks = json::array();
  for (const auto& h : snapshot.history) {
    json changes = json::array();
    for (const auto& c : h.schema_changes) changes.push_back(ChangeJson(c));
    tasks.push_back({{"task_id", h.task_id},
                     {"last_attempt", Optional(h.last_attempt)},
                     {"last_success", Optional(h.last_success)},
                     {"last_change", Optional(h.last_change)},
                     {"schema_changes", changes}});
  }
  json out = {{"written_us", ToMicros(snapshot.written_at)}, {"tasks", tasks}};
  ReplaceFileAtomically(HistorySnapshotPath(file), out.dump());
}

std::optional<HistorySnapshot> ReadHistorySnapshot(const std::filesystem::path& file) {
  auto text = ReadWholeFile(HistorySnapshotPath(file));
  if (!text) return std::nullopt;
  try {
    json j = json::parse(*text);
    HistorySnapshot snapshot;
    snapshot.written_at = FromMicros(j.at("written_us").get<int64_t>());
    for (const auto& t : j.at("tasks")) {
      TaskHistory h;
      h.task_id = t.at("task_id");
      h.last_attempt = OptionalFrom(t.at("last_attempt"));
      h.last_success = OptionalFrom(t.at("last_success"));
      if (t.contains("last_change")) h.last_change = OptionalFrom(t.at("last_change"));
      for (const auto& c : t.value("schema_changes", json::array())) {
        h.schema_changes.push_back(ChangeFrom(c));
      }
      snapshot.history.push_back(std::move(h));
    }
    return snapshot;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

}  // namespace tributary
