#include "support/delta_checker.h"

#include <duckdb.h>
#include <fmt/format.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>

namespace tributary::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A throwaway in-memory DuckDB with UTC sessions.
class Duck {
 public:
  Duck() {
    duckdb_open(nullptr, &db_);
    duckdb_connect(db_, &conn_);
    Query("SET TimeZone = 'UTC'");
  }
  ~Duck() {
    duckdb_disconnect(&conn_);
    duckdb_close(&db_);
  }
  // Rows of `sql`, each row's columns as text joined by '|'.
  std::vector<std::string> Query(const std::string& sql) {
    duckdb_result result;
    if (duckdb_query(conn_, sql.c_str(), &result) == DuckDBError) {
      std::string error = duckdb_result_error(&result);
      duckdb_destroy_result(&result);
      throw std::runtime_error(error + "\nSQL: " + sql);
    }
    std::vector<std::string> rows;
    for (idx_t r = 0; r < duckdb_row_count(&result); ++r) {
      std::string row;
      for (idx_t c = 0; c < duckdb_column_count(&result); ++c) {
        char* text = duckdb_value_varchar(&result, c, r);
        row += (c ? "|" : "") + std::string(text != nullptr ? text : "NULL");
        duckdb_free(text);
      }
      rows.push_back(row);
    }
    duckdb_destroy_result(&result);
    return rows;
  }

 private:
  duckdb_database db_ = nullptr;
  duckdb_connection conn_ = nullptr;
};

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

std::string Ident(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

std::string UriDecode(const std::string& in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size()) {
      out += static_cast<char>(std::stoi(in.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += in[i];
    }
  }
  return out;
}

std::string DuckType(const std::string& delta) {
  static const std::map<std::string, std::string> kTypes = {
      {"boolean", "BOOLEAN"}, {"byte", "TINYINT"},          {"short", "SMALLINT"},
      {"integer", "INTEGER"}, {"long", "BIGINT"},           {"float", "FLOAT"},
      {"double", "DOUBLE"},   {"string", "VARCHAR"},        {"binary", "BLOB"},
      {"date", "DATE"},       {"timestamp", "TIMESTAMPTZ"}, {"timestamp_ntz", "TIMESTAMP"}};
  if (delta.rfind("decimal", 0) == 0) return "DECIMAL" + delta.substr(7);
  auto it = kTypes.find(delta);
  return it == kTypes.end() ? "?" + delta : it->second;
}

std::vector<std::string> Lines(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// The text of a numeric bound exactly as written in the stats JSON (a JSON
// parser would round decimals through double).
std::string RawNumber(const std::string& stats, const std::string& kind, const std::string& name) {
  size_t at = stats.find("\"" + kind + "\":{");
  if (at == std::string::npos) return "";
  at = stats.find(json(name).dump() + ":", at);
  if (at == std::string::npos) return "";
  at += json(name).dump().size() + 1;
  size_t end = stats.find_first_of(",}", at);
  return stats.substr(at, end - at);
}

struct Snapshot {
  json metadata, protocol;
  std::map<std::string, json> files;
  std::map<std::string, long> txns;
};

struct Checker {
  fs::path table;
  std::vector<std::string> problems;
  Snapshot snap;
  Duck duck;

  void Problem(long version, const std::string& what) {
    problems.push_back(fmt::format("commit {}: {}", version, what));
  }

  std::vector<std::pair<std::string, std::string>> Columns() const {
    std::vector<std::pair<std::string, std::string>> columns;
    json schema = json::parse(snap.metadata.value("schemaString", "{}"));
    for (const json& f : schema.value("fields", json::array())) {
      columns.emplace_back(f.value("name", ""),
                           f["type"].is_string() ? f["type"].get<std::string>() : "nested");
    }
    return columns;
  }

  void CheckMetadata(long v, const json& m) {
    if (!m.contains("id") || !m["id"].is_string()) Problem(v, "metaData without an id");
    if (m.value("format", json::object()).value("provider", "") != "parquet") {
      Problem(v, "metaData format provider is not parquet");
    }
    json schema = json::parse(m.value("schemaString", ""), nullptr, false);
    if (schema.is_discarded() || schema.value("type", "") != "struct") {
      Problem(v, "schemaString is not a struct schema");
      return;
    }
    std::set<std::string> names, lower;
    for (const json& f : schema["fields"]) {
      for (const char* key : {"name", "type", "nullable", "metadata"}) {
        if (!f.contains(key)) Problem(v, fmt::format("schema field without '{}'", key));
      }
      std::string name = f.value("name", "");
      std::string low = name;
      for (char& c : low) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (!lower.insert(low).second) Problem(v, "duplicate column (case-insensitive) " + name);
      names.insert(name);
    }
    for (const json& p : m.value("partitionColumns", json::array())) {
      if (names.count(p.get<std::string>()) == 0) Problem(v, "unknown partition column");
    }
    if (!m.contains("configuration") || !m["configuration"].is_object()) {
      Problem(v, "metaData without configuration");
    }
  }

  void CheckProtocol(long v, const json& p) {
    int reader = p.value("minReaderVersion", 0);
    int writer = p.value("minWriterVersion", 0);
    if (reader < 1 || writer < 1) Problem(v, "protocol versions missing");
    if (p.contains("readerFeatures") && reader != 3) Problem(v, "readerFeatures without reader 3");
    if (p.contains("writerFeatures") && writer != 7) Problem(v, "writerFeatures without writer 7");
    if (reader == 3 && writer != 7) Problem(v, "reader 3 needs writer 7");
  }

  void CheckStats(long v, const std::string& file, const json& add) {
    json stats = json::parse(add.value("stats", "{}"), nullptr, false);
    if (stats.is_discarded() || !stats.contains("numRecords")) {
      Problem(v, "add without numRecords stats: " + file);
      return;
    }
    std::string f = Quote((table / file).string());
    long count = std::stol(
        duck.Query("SELECT count(*) FROM read_parquet(" + f + ", hive_partitioning = false)")[0]);
    if (stats["numRecords"].get<long>() != count) {
      Problem(v, fmt::format("numRecords {} but the file has {} rows", stats["numRecords"].dump(),
                             count));
    }
    for (const auto& [name, type] : Columns()) {
      CheckColumnStats(v, file, f, stats, add.value("stats", "{}"), name, type);
    }
  }

  void CheckColumnStats(long v, const std::string& file, const std::string& f, const json& stats,
                        const std::string& raw_stats, const std::string& name,
                        const std::string& type) {
    const json nulls = stats.value("nullCount", json::object());
    if (nulls.contains(name)) {
      std::string actual = duck.Query(fmt::format(
          "SELECT count(*) - count({}) FROM read_parquet({}, hive_partitioning = false)",
          Ident(name), f))[0];
      if (nulls[name].dump() != actual) {
        Problem(v, fmt::format("{}: nullCount of {} is {}, file has {}", file, name,
                               nulls[name].dump(), actual));
      }
    }
    for (const char* kind : {"minValues", "maxValues"}) {
      const json bounds = stats.value(kind, json::object());
      if (!bounds.contains(name)) continue;
      std::string stat = bounds[name].is_string() ? bounds[name].get<std::string>()
                                                  : RawNumber(raw_stats, kind, name);
      std::string agg = std::string(kind) == "minValues" ? "min" : "max";
      std::string column = Ident(name);
      std::string duck_type = DuckType(type);
      if (type == "timestamp" || type == "timestamp_ntz") {
        column = fmt::format("date_trunc('millisecond', {})", column);
      }
      std::string test =
          fmt::format("{}({}) = CAST({} AS {})", agg, column, Quote(stat), duck_type);
      if (type == "string" && agg == "min") {
        test = fmt::format("starts_with(min({}), {})", column, Quote(stat));
      }
      auto ok = duck.Query(
          fmt::format("SELECT {} FROM read_parquet({}, hive_partitioning = false)", test, f))[0];
      if (ok != "true") {
        Problem(v, fmt::format("{}: {} of {} is {}, which the file does not hold", file, kind, name,
                               stat));
      }
    }
  }

  void CheckAdd(long v, const json& add) {
    for (const char* key : {"path", "partitionValues", "size", "modificationTime", "dataChange"}) {
      if (!add.contains(key)) Problem(v, fmt::format("add without '{}'", key));
    }
    std::string path = add.value("path", "");
    std::string file = UriDecode(path);
    if (file.empty() || file[0] == '/' || file[0] == '_' || file[0] == '.') {
      Problem(v, "add path is not a relative path to a visible file: " + path);
    }
    std::error_code ec;
    auto size = fs::file_size(table / file, ec);
    if (ec) {
      Problem(v, "add names a missing file: " + file);
      return;
    }
    if (add.value("size", -1L) != static_cast<long>(size)) Problem(v, "add size differs: " + file);
    std::set<std::string> expected;
    for (const json& p : snap.metadata.value("partitionColumns", json::array())) {
      expected.insert(p.get<std::string>());
    }
    std::set<std::string> given;
    // Bound to a name: iterating items() of the temporary value() returns would dangle.
    const json values = add.value("partitionValues", json::object());
    for (const auto& [k, val] : values.items()) given.insert(k);
    if (given != expected) Problem(v, "partitionValues keys differ from partitionColumns: " + file);
    CheckStats(v, file, add);
  }

  void CheckCommit(long v, const std::vector<std::string>& lines) {
    int metadata = 0, protocol = 0, info = 0;
    std::set<std::string> adds, removes, apps;
    for (const std::string& line : lines) {
      json action = json::parse(line, nullptr, false);
      if (action.is_discarded() || !action.is_object() || action.size() != 1) {
        Problem(v, "line is not exactly one action: " + line.substr(0, 100));
        continue;
      }
      std::string kind = action.begin().key();
      const json& body = action.begin().value();
      if (kind == "metaData") {
        ++metadata;
        snap.metadata = body;
        CheckMetadata(v, body);
      } else if (kind == "protocol") {
        ++protocol;
        snap.protocol = body;
        CheckProtocol(v, body);
      } else if (kind == "commitInfo") {
        ++info;
        if (!body.contains("timestamp") || !body.contains("operation")) {
          Problem(v, "commitInfo without timestamp or operation");
        }
      } else if (kind == "txn") {
        std::string app = body.value("appId", "");
        if (!apps.insert(app).second) Problem(v, "two txn actions for appId " + app);
        long version = body.value("version", -1L);
        if (snap.txns.count(app) != 0 && version <= snap.txns[app]) {
          Problem(v, fmt::format("txn version of {} did not increase ({} after {})", app, version,
                                 snap.txns[app]));
        }
        snap.txns[app] = version;
      } else if (kind == "add") {
        if (!adds.insert(body.value("path", "")).second) Problem(v, "path added twice");
      } else if (kind == "remove") {
        std::string path = body.value("path", "");
        if (!removes.insert(path).second) Problem(v, "path removed twice");
        if (snap.files.count(path) == 0) Problem(v, "removes a file that is not live: " + path);
        if (!body.contains("dataChange")) Problem(v, "remove without dataChange");
      } else if (kind != "cdc" && kind != "domainMetadata") {
        Problem(v, "unknown action " + kind);
      }
    }
    if (metadata > 1 || protocol > 1 || info > 1) Problem(v, "repeated metaData/protocol/info");
    if (v == 0 && (metadata != 1 || protocol != 1))
      Problem(v, "first commit lacks metaData/protocol");
    for (const std::string& line : lines) {
      json action = json::parse(line, nullptr, false);
      if (action.is_discarded() || action.size() != 1) continue;
      if (action.contains("remove")) snap.files.erase(action["remove"].value("path", ""));
    }
    for (const std::string& line : lines) {
      json action = json::parse(line, nullptr, false);
      if (action.is_discarded() || !action.contains("add")) continue;
      snap.files[action["add"].value("path", "")] = action["add"];
      CheckAdd(v, action["add"]);
    }
  }
};

Snapshot Replay(const fs::path& table) {
  Snapshot snap;
  for (long v = 0;; ++v) {
    fs::path file = table / "_delta_log" / fmt::format("{:020}.json", v);
    if (!fs::exists(file)) break;
    for (const std::string& line : Lines(file)) {
      json action = json::parse(line);
      std::string kind = action.begin().key();
      const json& body = action.begin().value();
      if (kind == "metaData") snap.metadata = body;
      if (kind == "protocol") snap.protocol = body;
      if (kind == "remove") snap.files.erase(body.value("path", ""));
      if (kind == "add") snap.files[body.value("path", "")] = body;
      if (kind == "txn") snap.txns[body.value("appId", "")] = body.value("version", -1L);
    }
  }
  return snap;
}

}  // namespace

std::vector<std::string> CheckDeltaLog(const fs::path& table) {
  Checker checker{table, {}, {}, {}};
  long v = 0;
  for (;; ++v) {
    fs::path file = table / "_delta_log" / fmt::format("{:020}.json", v);
    if (!fs::exists(file)) break;
    checker.CheckCommit(v, Lines(file));
  }
  if (v == 0) checker.problems.push_back("no commits in " + table.string());
  for (const auto& entry : fs::directory_iterator(table / "_delta_log")) {
    std::string name = entry.path().filename().string();
    if (name.size() == 25 && name.substr(20) == ".json" && std::stol(name.substr(0, 20)) >= v) {
      checker.problems.push_back("commit after a gap: " + name);
    }
  }
  return checker.problems;
}

std::vector<std::string> DeltaRows(const fs::path& table, const std::string& columns,
                                   const std::string& order_by) {
  Snapshot snap = Replay(table);
  Checker schema_reader{table, {}, snap, {}};
  auto schema = schema_reader.Columns();
  std::set<std::string> partitions;
  for (const json& p : snap.metadata.value("partitionColumns", json::array())) {
    partitions.insert(p.get<std::string>());
  }
  std::string unions;
  for (const auto& [path, add] : snap.files) {
    std::string select = "SELECT *";
    for (const auto& [name, type] : schema) {
      if (partitions.count(name) == 0) continue;
      const json value = add["partitionValues"].value(name, json());
      std::string literal = value.is_string() && !value.get<std::string>().empty()
                                ? Quote(value.get<std::string>())
                                : "NULL";
      select += fmt::format(", CAST({} AS {}) AS {}", literal, DuckType(type), Ident(name));
    }
    select += " FROM read_parquet(" + Quote((table / UriDecode(path)).string()) +
              ", hive_partitioning = false)";
    unions += (unions.empty() ? "" : " UNION ALL BY NAME ") + select;
  }
  if (unions.empty()) return {};
  Duck duck;
  std::string sql = fmt::format("SELECT {} FROM ({}) ORDER BY {}", columns, unions, order_by);
  std::vector<std::string> rows = duck.Query(sql);
  return rows;
}

std::vector<std::string> DeltaLiveAdds(const fs::path& table) {
  std::vector<std::string> adds;
  for (const auto& [path, add] : Replay(table).files) adds.push_back(add.dump());
  return adds;
}

std::vector<std::string> DeltaCommitLines(const fs::path& table, long version) {
  return Lines(table / "_delta_log" / fmt::format("{:020}.json", version));
}

}  // namespace tributary::testing
