#include "sink/delta/delta_journal.h"

#include <fmt/format.h>

#include <cctype>

#include "common/error.h"

namespace tributary {
namespace {

using nlohmann::json;

std::string RecordKey(const std::string& task_id) {
  return kTaskRecordPrefix + SafeFileName(task_id) + ".json";
}

json OptionalText(const std::optional<std::string>& text) {
  return text ? json(*text) : json(nullptr);
}

std::optional<std::string> TextOrNull(const json& value) {
  if (value.is_null()) return std::nullopt;
  return value.get<std::string>();
}

}  // namespace

std::string SafeFileName(const std::string& name) {
  std::string out;
  for (unsigned char c : name) {
    if (std::isalnum(c) != 0 || c == '_' || c == '-' || (c == '.' && !out.empty())) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

json PlanToJson(const DeltaCommitPlan& plan) {
  json out = {{"read_version", plan.read_version},
              {"operation", plan.operation},
              {"operation_parameters", plan.operation_parameters},
              {"adds", plan.adds},
              {"removes", plan.removes},
              {"replace", plan.replace},
              {"rewrites", plan.rewrites},
              {"data_change", plan.data_change},
              {"tributary", plan.tributary}};
  if (plan.protocol) out["protocol"] = *plan.protocol;
  if (plan.metadata) out["metadata"] = *plan.metadata;
  if (plan.txn) out["txn"] = {{"appId", plan.txn->first}, {"version", plan.txn->second}};
  return out;
}

DeltaCommitPlan PlanFromJson(const json& in) {
  DeltaCommitPlan plan;
  plan.read_version = in.at("read_version").get<int64_t>();
  plan.operation = in.at("operation").get<std::string>();
  plan.operation_parameters = in.at("operation_parameters");
  plan.adds = in.at("adds").get<std::vector<json>>();
  plan.removes = in.at("removes").get<std::vector<std::string>>();
  plan.replace = in.at("replace").get<bool>();
  plan.rewrites = in.at("rewrites").get<bool>();
  plan.data_change = in.at("data_change").get<bool>();
  plan.tributary = in.at("tributary");
  if (in.contains("protocol")) plan.protocol = in["protocol"];
  if (in.contains("metadata")) plan.metadata = in["metadata"];
  if (in.contains("txn")) {
    plan.txn = {in["txn"].at("appId").get<std::string>(), in["txn"].at("version").get<int64_t>()};
  }
  return plan;
}

std::optional<TaskRecord> ReadTaskRecord(ObjectStore& store, const std::string& task_id) {
  std::string key = RecordKey(task_id);
  std::optional<std::string> content = store.Get(key);
  if (!content) return std::nullopt;
  try {
    json in = json::parse(*content);
    TaskRecord record;
    record.version = in.at("version").get<int64_t>();
    record.state = TextOrNull(in.at("state"));
    record.complete = in.at("complete").get<bool>();
    record.previous_version = in.value("previous_version", int64_t{0});
    record.previous_state = TextOrNull(in.value("previous_state", json()));
    if (in.contains("plans")) {
      for (const auto& [table, plan] : in["plans"].items())
        record.plans[table] = PlanFromJson(plan);
    }
    for (const auto& c : in.value("schema_changes", json::array())) {
      record.schema_changes.push_back(SchemaChangeRecord{
          c.at("run_id").get<std::string>(), task_id, c.at("table").get<std::string>(),
          c.at("column").get<std::string>(), c.at("change").get<std::string>(),
          c.at("old_type").get<std::string>(), c.at("new_type").get<std::string>(),
          FromMicros(c.at("at_us").get<int64_t>())});
    }
    return record;
  } catch (const json::exception& e) {
    throw SinkError(fmt::format(
        "the state record of task '{}' ('{}') is damaged ({}); restore it from a backup or remove "
        "it to reload the task from scratch",
        task_id, key, e.what()));
  }
}

void WriteTaskRecord(ObjectStore& store, const std::string& task_id, const TaskRecord& record) {
  json out = {{"task", task_id},
              {"version", record.version},
              {"state", OptionalText(record.state)},
              {"complete", record.complete},
              {"previous_version", record.previous_version},
              {"previous_state", OptionalText(record.previous_state)}};
  if (!record.plans.empty()) {
    json plans = json::object();
    for (const auto& [table, plan] : record.plans) plans[table] = PlanToJson(plan);
    out["plans"] = std::move(plans);
  }
  if (!record.schema_changes.empty()) {
    json changes = json::array();
    for (const SchemaChangeRecord& c : record.schema_changes) {
      changes.push_back({{"run_id", c.run_id},
                         {"table", c.table},
                         {"column", c.column},
                         {"change", c.change},
                         {"old_type", c.old_type},
                         {"new_type", c.new_type},
                         {"at_us", ToMicros(c.at)}});
    }
    out["schema_changes"] = std::move(changes);
  }
  store.Put(RecordKey(task_id), out.dump());
}

}  // namespace tributary
