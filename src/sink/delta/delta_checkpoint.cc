#include "sink/delta/delta_checkpoint.h"

#include <fmt/format.h>

#include <regex>

#include "clients/duckdb/duckdb_sql.h"
#include "clients/duckdb/duckdb_values.h"
#include "common/error.h"
#include "common/files.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int64_t kWeekMs = 7LL * 24 * 3600 * 1000;

// The column types of a V1 checkpoint (PROTOCOL.md, "Checkpoint Schema").
constexpr const char* kCheckpointColumns =
    "{txn: 'STRUCT(appId VARCHAR, version BIGINT, lastUpdated BIGINT)', "
    "add: 'STRUCT(path VARCHAR, partitionValues MAP(VARCHAR, VARCHAR), size BIGINT, "
    "modificationTime BIGINT, dataChange BOOLEAN, stats VARCHAR, tags MAP(VARCHAR, VARCHAR))', "
    "remove: 'STRUCT(path VARCHAR, deletionTimestamp BIGINT, dataChange BOOLEAN, "
    "extendedFileMetadata BOOLEAN, partitionValues MAP(VARCHAR, VARCHAR), size BIGINT)', "
    "metaData: 'STRUCT(id VARCHAR, name VARCHAR, description VARCHAR, format STRUCT(provider "
    "VARCHAR, options MAP(VARCHAR, VARCHAR)), schemaString VARCHAR, partitionColumns VARCHAR[], "
    "configuration MAP(VARCHAR, VARCHAR), createdTime BIGINT)', "
    "protocol: 'STRUCT(minReaderVersion INTEGER, minWriterVersion INTEGER, readerFeatures "
    "VARCHAR[], writerFeatures VARCHAR[])'}";

// Drops the fields a V1 checkpoint does not carry for tombstones.
json Tombstone(const json& remove) {
  json out = remove;
  out.erase("stats");
  out.erase("tags");
  return out;
}

std::string CheckpointRows(const DeltaSnapshot& snapshot, int64_t now_ms, int64_t& adds) {
  int64_t retention =
      ParseDeltaInterval(snapshot.Property("delta.deletedFileRetentionDuration", ""))
          .value_or(kWeekMs);
  std::string rows;
  rows += json{{"protocol", snapshot.protocol}}.dump() + "\n";
  rows += json{{"metaData", snapshot.metadata}}.dump() + "\n";
  for (const auto& [app, version] : snapshot.txns) {
    rows += json{{"txn", {{"appId", app}, {"version", version}}}}.dump() + "\n";
  }
  for (const auto& [path, add] : snapshot.files) {
    json row = add;
    row["dataChange"] = false;
    rows += json{{"add", row}}.dump() + "\n";
    ++adds;
  }
  for (const auto& [path, remove] : snapshot.tombstones) {
    if (remove.value("deletionTimestamp", int64_t{0}) + retention < now_ms) continue;
    rows += json{{"remove", Tombstone(remove)}}.dump() + "\n";
  }
  return rows;
}

void PointLastCheckpoint(ObjectStore& store, const std::string& log, int64_t version, int64_t size,
                         int64_t bytes, int64_t adds) {
  std::string pointer = log + "_last_checkpoint";
  if (auto existing = store.Get(pointer)) {
    json current = json::parse(*existing, nullptr, false);
    if (!current.is_discarded() && current.value("version", int64_t{-1}) >= version) return;
  }
  json last = {
      {"version", version}, {"size", size}, {"sizeInBytes", bytes}, {"numOfAddFiles", adds}};
  store.Put(pointer, last.dump());
}

}  // namespace

void WriteDeltaCheckpoint(DeltaStorage& storage, const std::string& table,
                          const DeltaSnapshot& snapshot, duckdb_connection conn, int64_t now_ms) {
  std::string log = DeltaKey(table, "_delta_log/");
  int64_t adds = 0;
  std::string rows = CheckpointRows(snapshot, now_ms, adds);
  fs::path staging = storage.NewStaging(table);
  fs::path json_file = staging / "checkpoint.json";
  fs::path parquet_file = staging / "checkpoint.parquet";
  std::error_code ec;
  try {
    WriteFileDurably(json_file, rows);
    std::string sql = fmt::format(
        "COPY (SELECT txn, add, remove, metaData, protocol FROM read_json({}, format = "
        "'newline_delimited', columns = {})) TO {} (FORMAT parquet, COMPRESSION snappy)",
        DuckString(json_file.string()), kCheckpointColumns, DuckString(parquet_file.string()));
    DuckExec(
        conn, sql,
        fmt::format("cannot write checkpoint {} of '{}'", snapshot.version, storage.Where(table)));
    int64_t bytes = static_cast<int64_t>(fs::file_size(parquet_file));
    // Two writers of one version's checkpoint write the same actions: the
    // later one replacing the file is harmless.
    storage.Publish(parquet_file, log + DeltaCheckpointName(snapshot.version));
    int64_t size = static_cast<int64_t>(std::count(rows.begin(), rows.end(), '\n'));
    PointLastCheckpoint(storage.store(), log, snapshot.version, size, bytes, adds);
  } catch (...) {
    fs::remove_all(staging, ec);
    throw;
  }
  fs::remove_all(staging, ec);
}

std::vector<json> ReadDeltaCheckpoint(const std::vector<fs::path>& parts, duckdb_connection conn) {
  static const char* kKinds[] = {"txn", "add", "remove", "metaData", "protocol"};
  std::vector<json> actions;
  for (const fs::path& part : parts) {
    std::string what = fmt::format("cannot read delta checkpoint '{}'", part.string());
    DuckResult described =
        DuckExec(conn,
                 fmt::format("DESCRIBE SELECT * FROM read_parquet({}, hive_partitioning = false)",
                             DuckString(part.string())),
                 what);
    std::vector<std::string> present;
    for (uint64_t row = 0; row < ResultRows(described); ++row) {
      std::string name = ResultText(described, 0, row).value_or("");
      for (const char* kind : kKinds) {
        if (name == kind) present.push_back(name);
      }
    }
    std::string select;
    for (const std::string& kind : present) {
      select += (select.empty() ? "" : ", ") + fmt::format("to_json(\"{}\")::VARCHAR", kind);
    }
    if (select.empty()) continue;
    DuckResult result =
        DuckExec(conn,
                 fmt::format("SELECT {} FROM read_parquet({}, hive_partitioning = false)", select,
                             DuckString(part.string())),
                 what);
    for (const json& row : ResultRowsJson(result)) {
      for (size_t i = 0; i < present.size(); ++i) {
        if (row[i].is_null()) continue;
        json body = json::parse(row[i].get<std::string>());
        for (auto it = body.begin(); it != body.end();) {
          it = it.value().is_null() ? body.erase(it) : std::next(it);
        }
        actions.push_back(json{{present[i], std::move(body)}});
      }
    }
  }
  return actions;
}

std::optional<int64_t> ParseDeltaInterval(const std::string& text) {
  static const std::regex pattern(R"(\s*(?:interval\s+)?(\d+)\s+(\w+?)s?\s*)", std::regex::icase);
  std::smatch m;
  if (!std::regex_match(text, m, pattern)) return std::nullopt;
  int64_t n = std::stoll(m[1]);
  std::string unit = m[2];
  for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (unit == "week") return n * kWeekMs;
  if (unit == "day") return n * 24 * 3600 * 1000;
  if (unit == "hour") return n * 3600 * 1000;
  if (unit == "minute") return n * 60 * 1000;
  if (unit == "second") return n * 1000;
  return std::nullopt;
}

}  // namespace tributary
