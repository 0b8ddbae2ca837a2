#include "config/kinds.h"

namespace tributary {
namespace {

constexpr ServerKind kServerKinds[] = {
    {"sqlite", "SQLite database files in a directory", true, false, false},
    {"postgresql", "PostgreSQL (binary COPY; cdc by logical decoding, 14 or later)", true, true,
     true},
    {"sqlserver", "SQL Server 2016 and later, Azure SQL, over ODBC (cdc from its CDC tables)", true,
     true, false},
    {"duckdb", "DuckDB database files as a source", false, false, false,
     "reading DuckDB files as a source is not built yet: load these tables from the database "
     "they came from"},
};

constexpr SinkKind kSinkKinds[] = {
    {"duckdb", "one DuckDB database file", false, true, true, false},
    {"delta", "Delta Lake tables in a directory, read by Databricks, Spark and delta-rs", true,
     false, false, false},
    {"postgresql", "a PostgreSQL database", false, false, true, true},
};

constexpr StrategyKind kStrategies[] = {
    {"full", "the whole table, replaced atomically", Backfill::kNone, false},
    {"query", "the rows of a custom query, replacing or appending", Backfill::kNone, false},
    {"selected_columns", "the whole table, chosen columns only", Backfill::kNone, false},
    {"incremental", "rows past a stored watermark, appended or merged by key", Backfill::kRange,
     false},
    {"cdc", "an append-only change history from the source's log", Backfill::kSnapshot, true},
};

template <class T>
const T* Find(std::span<const T> kinds, std::string_view name) {
  for (const T& kind : kinds) {
    if (kind.name == name) return &kind;
  }
  return nullptr;
}

}  // namespace

std::span<const ServerKind> ServerKinds() { return kServerKinds; }
std::span<const SinkKind> SinkKinds() { return kSinkKinds; }
std::span<const StrategyKind> StrategyKinds() { return kStrategies; }

const ServerKind* FindServerKind(std::string_view name) { return Find(ServerKinds(), name); }
const SinkKind* FindSinkKind(std::string_view name) { return Find(SinkKinds(), name); }
const StrategyKind* FindStrategyKind(std::string_view name) { return Find(StrategyKinds(), name); }

std::vector<std::string> ServerKindNames(bool cdc_only) {
  std::vector<std::string> names;
  for (const ServerKind& kind : kServerKinds) {
    if (kind.available && (kind.cdc || !cdc_only)) names.emplace_back(kind.name);
  }
  return names;
}

std::vector<std::string> SinkKindNames() {
  std::vector<std::string> names;
  for (const SinkKind& kind : kSinkKinds) names.emplace_back(kind.name);
  return names;
}

std::vector<std::string> StrategyNames() {
  std::vector<std::string> names;
  for (const StrategyKind& kind : kStrategies) names.emplace_back(kind.name);
  return names;
}

}  // namespace tributary
