#include "sink/delta/delta_compact.h"

#include <fmt/format.h>

#include <map>

#include "common/error.h"
#include "sink/delta/delta_files.h"
#include "sink/delta/delta_types.h"

namespace tributary {

using nlohmann::json;

CompactResult CompactDeltaTable(DeltaTable& table, duckdb_connection conn,
                                int64_t target_file_bytes, int64_t now_ms) {
  CompactResult result;
  const auto& snapshot = table.snapshot();
  if (!snapshot) return result;
  CheckDeltaWritable(table.name(), *snapshot);
  result.files_before = result.files_after = static_cast<int64_t>(snapshot->files.size());
  Schema stored =
      ParseDeltaSchemaString(table.name(), snapshot->metadata.value("schemaString", ""));
  std::vector<std::string> partition_by = snapshot->PartitionColumns();
  std::map<std::string, std::vector<const json*>> groups;  // by partitionValues
  for (const auto& [path, add] : snapshot->files) {
    if (add.value("size", int64_t{0}) >= target_file_bytes / 2) continue;
    groups[add.value("partitionValues", json::object()).dump()].push_back(&add);
  }
  DeltaCommitPlan plan;
  plan.read_version = snapshot->version;
  plan.operation = "OPTIMIZE";
  plan.operation_parameters = {{"predicate", "[]"}, {"zOrderBy", "[]"}};
  plan.data_change = false;
  DeltaFileSpec spec{stored, partition_by, target_file_bytes, false};
  for (const auto& [values, files] : groups) {
    if (files.size() < 2) continue;
    std::string select;
    for (const json* add : files) {
      select += (select.empty() ? "" : " UNION ALL ") +
                DeltaFileSelect(conn, table.storage(), table.key(), *add, stored, partition_by);
      plan.removes.push_back(add->at("path").get<std::string>());
      result.bytes_rewritten += add->value("size", int64_t{0});
    }
    auto adds = WriteDeltaDataFiles(conn, select, table.storage(), table.key(), spec, now_ms);
    plan.adds.insert(plan.adds.end(), adds.begin(), adds.end());
  }
  if (plan.removes.empty()) return result;
  try {
    table.Commit(plan, now_ms);
  } catch (...) {
    DeleteDeltaDataFiles(table.storage(), table.key(), plan.adds);
    throw;
  }
  result.files_rewritten = static_cast<int64_t>(plan.removes.size());
  result.files_after =
      result.files_before - result.files_rewritten + static_cast<int64_t>(plan.adds.size());
  return result;
}

}  // namespace tributary
