#include "sink/delta/delta_log.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <regex>
#include <set>
#include <sstream>

#include "common/error.h"
#include "sink/delta/delta_checkpoint.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct LogListing {
  std::set<int64_t> commits;
  std::map<int64_t, std::vector<std::string>> checkpoints;  // version → its part keys, complete
};

std::string LogPrefix(const std::string& table) { return DeltaKey(table, "_delta_log/"); }

// The log's files from `start_after` on (every file when empty).
LogListing ListLog(ObjectStore& store, const std::string& table, const std::string& start_after) {
  static const std::regex commit(R"((\d{20})\.json)");
  static const std::regex classic(R"((\d{20})\.checkpoint\.parquet)");
  static const std::regex part(R"((\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet)");
  std::string prefix = LogPrefix(table);
  LogListing listing;
  std::map<int64_t, std::map<int64_t, std::pair<int64_t, std::string>>> parts;
  for (const ObjectInfo& object : store.List(prefix, start_after)) {
    std::string name = object.key.substr(prefix.size());
    std::smatch m;
    if (std::regex_match(name, m, commit)) {
      listing.commits.insert(std::stoll(m[1]));
    } else if (std::regex_match(name, m, classic)) {
      listing.checkpoints[std::stoll(m[1])] = {object.key};
    } else if (std::regex_match(name, m, part)) {
      parts[std::stoll(m[1])][std::stoll(m[2])] = {std::stoll(m[3]), object.key};
    }
  }
  for (auto& [version, pieces] : parts) {
    if (listing.checkpoints.count(version) != 0) continue;
    int64_t total = pieces.begin()->second.first;
    if (static_cast<int64_t>(pieces.size()) != total) continue;  // incomplete: ignore
    for (auto& [index, piece] : pieces) listing.checkpoints[version].push_back(piece.second);
  }
  return listing;
}

// The listing from the checkpoint _last_checkpoint names (one short listing
// for a table with a long log), or of the whole log when there is no pointer
// or the checkpoint it names is gone.
LogListing ListLogFromLastCheckpoint(ObjectStore& store, const std::string& table) {
  std::string prefix = LogPrefix(table);
  if (auto pointer = store.Get(prefix + "_last_checkpoint")) {
    json last = json::parse(*pointer, nullptr, false);
    int64_t version = last.is_object() ? last.value("version", int64_t{-1}) : -1;
    if (version >= 0) {
      LogListing listing = ListLog(store, table, prefix + fmt::format("{:020}", version));
      if (listing.checkpoints.count(version) != 0) return listing;
    }
  }
  return ListLog(store, table, "");
}

std::string ActionKind(const json& action) {
  return action.is_object() && action.size() == 1 ? action.begin().key() : "";
}

}  // namespace

std::vector<std::string> DeltaSnapshot::PartitionColumns() const {
  std::vector<std::string> columns;
  if (metadata.contains("partitionColumns") && metadata["partitionColumns"].is_array()) {
    for (const json& c : metadata["partitionColumns"]) columns.push_back(c.get<std::string>());
  }
  return columns;
}

std::map<std::string, std::string> DeltaSnapshot::Configuration() const {
  std::map<std::string, std::string> config;
  if (metadata.contains("configuration") && metadata["configuration"].is_object()) {
    for (const auto& [key, value] : metadata["configuration"].items()) {
      if (value.is_string()) config[key] = value.get<std::string>();
    }
  }
  return config;
}

std::string DeltaSnapshot::Property(const std::string& key, const std::string& fallback) const {
  auto config = Configuration();
  auto it = config.find(key);
  return it == config.end() ? fallback : it->second;
}

int64_t DeltaSnapshot::TxnVersion(const std::string& app_id) const {
  auto it = txns.find(app_id);
  return it == txns.end() ? -1 : it->second;
}

std::string DeltaCommitName(int64_t version) { return fmt::format("{:020}.json", version); }

std::string DeltaCheckpointName(int64_t version) {
  return fmt::format("{:020}.checkpoint.parquet", version);
}

std::optional<std::vector<json>> ReadDeltaCommit(DeltaStorage& storage, const std::string& table,
                                                 int64_t version) {
  std::string key = LogPrefix(table) + DeltaCommitName(version);
  std::optional<std::string> content = storage.store().Get(key);
  if (!content) return std::nullopt;
  std::vector<json> actions;
  std::istringstream lines(*content);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    json action = json::parse(line, nullptr, false);
    if (action.is_discarded() || ActionKind(action).empty()) {
      throw SinkError(fmt::format("delta log '{}' has a line that is not one action: {}",
                                  storage.Where(key), line.substr(0, 200)));
    }
    actions.push_back(std::move(action));
  }
  return actions;
}

void ApplyDeltaActions(DeltaSnapshot& snapshot, const std::vector<json>& actions) {
  for (const json& action : actions) {
    std::string kind = ActionKind(action);
    const json& body = action.begin().value();
    if (kind == "add") {
      std::string path = body.at("path").get<std::string>();
      snapshot.tombstones.erase(path);
      snapshot.files[path] = body;
    } else if (kind == "remove") {
      std::string path = body.at("path").get<std::string>();
      snapshot.files.erase(path);
      snapshot.tombstones[path] = body;
    } else if (kind == "metaData") {
      snapshot.metadata = body;
    } else if (kind == "protocol") {
      snapshot.protocol = body;
    } else if (kind == "txn") {
      snapshot.txns[body.at("appId").get<std::string>()] = body.at("version").get<int64_t>();
    }
  }
}

std::optional<DeltaSnapshot> ReadDeltaSnapshot(DeltaStorage& storage, const std::string& table,
                                               duckdb_connection conn) {
  LogListing listing = ListLogFromLastCheckpoint(storage.store(), table);
  if (listing.commits.empty() && listing.checkpoints.empty()) return std::nullopt;
  int64_t latest = listing.commits.empty() ? -1 : *listing.commits.rbegin();
  DeltaSnapshot snapshot;
  for (auto it = listing.checkpoints.rbegin(); it != listing.checkpoints.rend(); ++it) {
    if (it->first > latest && latest >= 0) continue;
    std::vector<fs::path> parts;
    for (const std::string& key : it->second) parts.push_back(storage.Readable(key));
    ApplyDeltaActions(snapshot, ReadDeltaCheckpoint(parts, conn));
    snapshot.version = it->first;
    break;
  }
  latest = std::max(latest, snapshot.version);
  for (int64_t v = snapshot.version + 1; v <= latest; ++v) {
    auto actions = ReadDeltaCommit(storage, table, v);
    if (!actions) {
      throw SinkError(fmt::format(
          "delta table '{}' is missing commit {} of its log (and has no checkpoint covering it); "
          "the table cannot be read",
          storage.Where(table), v));
    }
    ApplyDeltaActions(snapshot, *actions);
    snapshot.version = v;
  }
  if (snapshot.metadata.is_null() || snapshot.protocol.is_null()) {
    throw SinkError(fmt::format("delta table '{}' has no metaData or protocol in its log",
                                storage.Where(table)));
  }
  return snapshot;
}

int ApplyNewerDeltaCommits(DeltaStorage& storage, const std::string& table,
                           DeltaSnapshot& snapshot) {
  int applied = 0;
  while (auto actions = ReadDeltaCommit(storage, table, snapshot.version + 1)) {
    ApplyDeltaActions(snapshot, *actions);
    ++snapshot.version;
    ++applied;
  }
  return applied;
}

void CheckDeltaWritable(const std::string& table, const DeltaSnapshot& snapshot) {
  static const std::set<std::string> kReaderFeatures = {"timestampNtz"};
  static const std::set<std::string> kWriterFeatures = {"timestampNtz", "appendOnly", "invariants"};
  int reader = snapshot.protocol.value("minReaderVersion", 1);
  int writer = snapshot.protocol.value("minWriterVersion", 2);
  std::vector<std::string> unsupported;
  auto check = [&](const char* key, const std::set<std::string>& known) {
    if (!snapshot.protocol.contains(key)) return;
    for (const json& f : snapshot.protocol[key]) {
      if (known.count(f.get<std::string>()) == 0) unsupported.push_back(f.get<std::string>());
    }
  };
  check("readerFeatures", kReaderFeatures);
  check("writerFeatures", kWriterFeatures);
  bool versions_ok = (reader == 1 || reader == 3) && (writer <= 2 || writer == 7);
  if (versions_ok && unsupported.empty()) return;
  throw SinkError(fmt::format(
      "delta table '{}' uses protocol (reader {}, writer {}){}{} that tributary does not write; "
      "load it under another sink_table name, or drop the feature from the table",
      table, reader, writer, unsupported.empty() ? "" : " with features ",
      fmt::join(unsupported, ", ")));
}

std::string DecodeDeltaPath(const std::string& uri_path) {
  std::string out;
  for (size_t i = 0; i < uri_path.size(); ++i) {
    if (uri_path[i] == '%' && i + 2 < uri_path.size()) {
      out += static_cast<char>(std::stoi(uri_path.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += uri_path[i];
    }
  }
  return out;
}

std::string EncodeDeltaPath(const std::string& relative_path) {
  static const std::string kSafe = "-_.~/=!$&'()*+,;:@";
  std::string out;
  for (unsigned char c : relative_path) {
    if (std::isalnum(c) != 0 || kSafe.find(static_cast<char>(c)) != std::string::npos) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

}  // namespace tributary
