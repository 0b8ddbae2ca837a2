#include "sink/delta/delta_files.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <regex>

#include "clients/duckdb/duckdb_sql.h"
#include "clients/duckdb/duckdb_types.h"
#include "clients/duckdb/duckdb_values.h"
#include "common/error.h"
#include "sink/delta/delta_log.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr size_t kStringPrefix = 32;

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string PrefixCodePoints(std::string_view s, size_t n) {
  size_t seen = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && seen++ == n) {
      return std::string(s.substr(0, i));
    }
  }
  return std::string(s);
}

// "2024-01-01 10:00:00.123456+00" → "2024-01-01T10:00:00.123Z" (no Z for
// timestamp_ntz); nullopt outside years 0001-9999.
std::optional<std::string> TimestampStat(const std::string& text, bool utc) {
  static const std::regex pattern(
      R"((\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(\+00(?::00)?)?)");
  std::smatch m;
  if (!std::regex_match(text, m, pattern) || utc != m[4].matched) return std::nullopt;
  std::string fraction = m[3].matched ? m[3].str() : "";
  fraction.resize(3, '0');
  return fmt::format("{}T{}.{}{}", m[1].str(), m[2].str(), fraction, utc ? "Z" : "");
}

// A JSON number written exactly as DuckDB printed it (decimals keep every
// digit), or nullopt when `text` is not a finite number.
std::optional<std::string> NumberStat(const std::string& text) {
  static const std::regex pattern(R"(-?\d+(\.\d+)?([eE][-+]?\d+)?)");
  if (!std::regex_match(text, pattern)) return std::nullopt;
  char* end = nullptr;
  if (!std::isfinite(std::strtod(text.c_str(), &end))) return std::nullopt;
  return text;
}

// One bound as JSON text, or nullopt when Delta gets none for it.
std::optional<std::string> BoundStat(const DataType& type, const std::string& text, bool is_max) {
  switch (type.id) {
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kDecimal:
    case TypeId::kFloat32:
    case TypeId::kFloat64:
      return NumberStat(text);
    case TypeId::kText:
      if (CodePoints(text) <= kStringPrefix) return json(text).dump();
      if (is_max) return std::nullopt;  // a cut maximum would be below the value
      return json(PrefixCodePoints(text, kStringPrefix)).dump();
    case TypeId::kDate: {
      static const std::regex date(R"(\d{4}-\d{2}-\d{2})");
      if (!std::regex_match(text, date)) return std::nullopt;
      return json(text).dump();
    }
    case TypeId::kTimestampTz:
    case TypeId::kTimestamp: {
      auto stat = TimestampStat(text, type.id == TypeId::kTimestampTz);
      if (!stat) return std::nullopt;
      return json(*stat).dump();
    }
    default:
      return std::nullopt;  // boolean, binary: no bounds, as Spark writes them
  }
}

std::string TextOf(const json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

// column_statistics as {column name → {stat → text}}.
std::map<std::string, std::map<std::string, std::string>> StatsByColumn(const json& stats) {
  std::map<std::string, std::map<std::string, std::string>> out;
  if (!stats.is_object()) return out;
  for (const auto& [quoted, values] : stats.items()) {
    auto& column = out[UnquoteDuckName(quoted)];
    if (!values.is_object()) continue;
    for (const auto& [key, value] : values.items()) {
      if (!value.is_null()) column[key] = TextOf(value);
    }
  }
  return out;
}

void AppendMember(std::string& object, const std::string& name, const std::string& value) {
  object += (object.size() > 1 ? "," : "") + json(name).dump() + ":" + value;
}

Schema DataColumns(const DeltaFileSpec& spec) {
  Schema data;
  for (const Field& f : spec.stored.fields) {
    if (std::find(spec.partition_by.begin(), spec.partition_by.end(), f.name) ==
        spec.partition_by.end()) {
      data.fields.push_back(f);
    }
  }
  return data;
}

json PartitionValues(const json& keys, const DeltaFileSpec& spec) {
  json values = json::object();
  for (const std::string& column : spec.partition_by) {
    const DataType& type = spec.stored.fields[spec.stored.IndexOf(column)].type;
    std::optional<std::string> value;
    if (keys.is_object() && keys.contains(column)) value = DeltaPartitionValue(type, keys[column]);
    values[column] = value ? json(*value) : json(nullptr);
  }
  return values;
}

std::string CopySql(const std::string& select_sql, const fs::path& staging,
                    const DeltaFileSpec& spec) {
  std::string options =
      "FORMAT parquet, COMPRESSION zstd, FILENAME_PATTERN 'part-{uuid}-c000.zstd', RETURN_STATS";
  if (spec.partition_by.empty()) {
    options += fmt::format(", FILE_SIZE_BYTES {}", spec.target_file_bytes);
  } else {
    // DuckDB cannot split partitioned output by size; what one COPY writes
    // is bounded by the staged rows (or the one file rewritten) anyway.
    std::string columns;
    for (const std::string& c : spec.partition_by) {
      columns += (columns.empty() ? "" : ", ") + DuckQuote(c);
    }
    options += ", PARTITION_BY (" + columns + ")";
  }
  return fmt::format("COPY ({}) TO {} ({})", select_sql, DuckString(staging.string()), options);
}

}  // namespace

std::vector<json> WriteDeltaDataFiles(duckdb_connection conn, const std::string& select_sql,
                                      DeltaStorage& storage, const std::string& table,
                                      const DeltaFileSpec& spec, int64_t now_ms) {
  fs::path staging = storage.NewStaging(table);
  std::error_code ec;
  std::vector<json> adds;
  try {
    DuckResult result =
        DuckExec(conn, CopySql(select_sql, staging, spec),
                 fmt::format("cannot write data files of '{}'", storage.Where(table)));
    Schema data = DataColumns(spec);
    for (const json& row : ResultRowsJson(result)) {
      fs::path file = TextOf(row[0]);
      int64_t count = row[1].get<int64_t>();
      if (count == 0) continue;
      std::string relative = fs::relative(file, staging).generic_string();
      storage.Publish(file, DeltaKey(table, relative));
      adds.push_back(json{{"path", EncodeDeltaPath(relative)},
                          {"partitionValues", PartitionValues(row[5], spec)},
                          {"size", row[2].get<int64_t>()},
                          {"modificationTime", now_ms},
                          {"dataChange", spec.data_change},
                          {"stats", DeltaStatsJson(row[4], count, data)}});
    }
  } catch (...) {
    fs::remove_all(staging, ec);
    DeleteDeltaDataFiles(storage, table, adds);
    throw;
  }
  fs::remove_all(staging, ec);
  return adds;
}

void DeleteDeltaDataFiles(DeltaStorage& storage, const std::string& table,
                          const std::vector<json>& adds) {
  for (const json& add : adds) {
    try {
      storage.store().Delete(DeltaKey(table, DecodeDeltaPath(add.at("path").get<std::string>())));
    } catch (const Error&) {
      // stays an orphan; see the contract
    }
  }
}

std::string DeltaStatsJson(const json& column_statistics, int64_t num_records,
                           const Schema& stored) {
  auto stats = StatsByColumn(column_statistics);
  std::string mins = "{", maxes = "{", nulls = "{";
  for (const Field& f : stored.fields) {
    auto it = stats.find(f.name);
    if (it == stats.end()) continue;
    const auto& s = it->second;
    if (auto n = s.find("null_count"); n != s.end()) AppendMember(nulls, f.name, n->second);
    bool nan = s.count("has_nan") != 0 && s.at("has_nan") == "true";
    if (nan) continue;
    if (auto v = s.find("min"); v != s.end()) {
      if (auto bound = BoundStat(f.type, v->second, false)) AppendMember(mins, f.name, *bound);
    }
    if (auto v = s.find("max"); v != s.end()) {
      if (auto bound = BoundStat(f.type, v->second, true)) AppendMember(maxes, f.name, *bound);
    }
  }
  return fmt::format(R"({{"numRecords":{},"minValues":{}}},"maxValues":{}}},"nullCount":{}}}}})",
                     num_records, mins, maxes, nulls);
}

std::optional<std::string> DeltaPartitionValue(const DataType& stored, const json& duck_value) {
  if (duck_value.is_null()) return std::nullopt;
  std::string text = TextOf(duck_value);
  if (stored.id == TypeId::kTimestampTz || stored.id == TypeId::kTimestamp) {
    static const std::regex pattern(
        R"((\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(\+00(?::00)?)?)");
    std::smatch m;
    if (std::regex_match(text, m, pattern)) {
      std::string fraction = m[3].matched ? m[3].str() : "";
      fraction.resize(6, '0');
      bool utc = stored.id == TypeId::kTimestampTz;
      return fmt::format("{}{}{}.{}{}", m[1].str(), utc ? "T" : " ", m[2].str(), fraction,
                         utc ? "Z" : "");
    }
  }
  return text;
}

std::string UnquoteDuckName(const std::string& quoted) {
  if (quoted.size() < 2 || quoted.front() != '"' || quoted.back() != '"') return quoted;
  std::string out;
  for (size_t i = 1; i + 1 < quoted.size(); ++i) {
    out += quoted[i];
    if (quoted[i] == '"' && quoted[i + 1] == '"') ++i;
  }
  return out;
}

std::string DeltaFileSelect(duckdb_connection conn, DeltaStorage& storage, const std::string& table,
                            const json& add, const Schema& stored,
                            const std::vector<std::string>& partition_by) {
  fs::path file =
      storage.Readable(DeltaKey(table, DecodeDeltaPath(add.at("path").get<std::string>())));
  DuckResult described =
      DuckExec(conn,
               fmt::format("DESCRIBE SELECT * FROM read_parquet({}, hive_partitioning = false)",
                           DuckString(file.string())),
               fmt::format("cannot read data file '{}'", file.string()));
  std::vector<std::string> present;
  for (uint64_t row = 0; row < ResultRows(described); ++row) {
    present.push_back(ResultText(described, 0, row).value_or(""));
  }
  const json values = add.value("partitionValues", json::object());
  std::string columns;
  for (const Field& f : stored.fields) {
    std::string expr = "NULL";
    if (std::find(partition_by.begin(), partition_by.end(), f.name) != partition_by.end()) {
      if (values.contains(f.name) && values[f.name].is_string() &&
          !values[f.name].get<std::string>().empty()) {
        expr = DuckString(values[f.name].get<std::string>());
      }
    } else if (std::find(present.begin(), present.end(), f.name) != present.end()) {
      expr = DuckQuote(f.name);
    }
    columns += (columns.empty() ? "" : ", ") +
               fmt::format("CAST({} AS {}) AS {}", expr, DuckTypeSql(f.type), DuckQuote(f.name));
  }
  return fmt::format("SELECT {} FROM read_parquet({}, hive_partitioning = false)", columns,
                     DuckString(file.string()));
}

}  // namespace tributary
