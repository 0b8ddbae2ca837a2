#include "source/sqlite/sqlite_source.h"

#include <fmt/format.h>

#include "common/error.h"
#include "common/log.h"
#include "config/secrets.h"
#include "data/value_text.h"
#include "source/sqlite/sqlite_reader.h"
#include "source/sqlite/sqlite_types.h"

namespace tributary {
namespace {

constexpr int kBusyTimeoutMs = 10'000;

std::filesystem::path ServerDirectory(const Project& project, const ServerConfig& server) {
  auto it = server.settings.find("directory");
  std::filesystem::path dir =
      it == server.settings.end() ? "." : ResolveSecrets(it->second, project.dir);
  return (project.dir / dir).lexically_normal();
}

// True when everything after a statement is blanks or semicolons.
bool OnlySeparators(const char* tail) {
  for (; tail != nullptr && *tail != '\0'; ++tail) {
    if (*tail != ';' && !std::isspace(static_cast<unsigned char>(*tail))) return false;
  }
  return true;
}

}  // namespace

std::string SqliteDialect::QuoteIdentifier(std::string_view name) const {
  std::string quoted = "\"";
  for (char c : name) {
    quoted += c;
    if (c == '"') quoted += '"';
  }
  return quoted + "\"";
}

std::string SqliteDialect::RangePredicate(std::string_view column, const DataType& type,
                                          const std::string& from, const std::string& to) const {
  bool time =
      type.id == TypeId::kDate || type.id == TypeId::kTimestamp || type.id == TypeId::kTimestampTz;
  if (!time) return Dialect::RangePredicate(column, type, from, to);
  std::string c = QuoteIdentifier(column);
  // µs since the epoch under SQLite's conventions (see docs/sqlite.md).
  std::string micros = fmt::format(
      "(CASE typeof({0}) WHEN 'integer' THEN {0} * 1000000.0 WHEN 'real' THEN ({0} - "
      "2440587.5) * 86400000000.0 ELSE (julianday({0}) - 2440587.5) * 86400000000.0 END)",
      c);
  // In double, like `micros`: a bound of ±infinity (±2^63 µs) takes the slack
  // without overflowing.
  auto bound = [&](const std::string& value) {
    Column parsed(DataType{TypeId::kTimestamp});
    bool day = type.id == TypeId::kDate && value != "infinity" && value != "-infinity";
    AppendValueText(parsed, day ? value + " 00:00:00" : value);
    return static_cast<double>(parsed.Get<int64_t>(0));
  };
  constexpr double kSlack = 1'000'000;
  std::string where;
  if (!from.empty()) where = fmt::format("{} >= {}", micros, bound(from) - kSlack);
  if (!to.empty()) {
    where += fmt::format("{}{} < {}", where.empty() ? "" : " AND ", micros, bound(to) + kSlack);
  }
  return where;
}

SqliteSource::SqliteSource(const Project& project, const ServerConfig& server,
                           const std::string& database)
    : describe_(fmt::format("sqlite server '{}' database '{}'", server.name, database)) {
  std::filesystem::path dir = ServerDirectory(project, server);
  std::filesystem::path file = dir / database;
  auto fail = [&](const std::string& why) {
    return SourceError(fmt::format("cannot open sqlite database '{}' in '{}' (server '{}'): {}",
                                   database, dir.string(), server.name, why));
  };
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) throw fail("no such file");
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  db_.reset(raw);
  if (rc != SQLITE_OK) throw fail(raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc));
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  sqlite3_extended_result_codes(raw, 1);
}

SqliteStmt SqliteSource::Prepare(const std::string& sql) {
  if (LogEnabled(LogLevel::kDebug))
    Log(LogLevel::kDebug, "sql", {{"source", describe_}, {"sql", sql}});
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v2(db_.get(), sql.c_str(), static_cast<int>(sql.size()), &raw, &tail);
  SqliteStmt stmt(raw);
  if (rc != SQLITE_OK) {
    std::string message = fmt::format("{}: query failed: {}", describe_, sqlite3_errmsg(db_.get()));
    if (IsTransientSqliteCode(rc)) throw TransientSourceError(message);
    throw SourceError(message);
  }
  if (!stmt) throw SourceError(fmt::format("{}: the query is empty", describe_));
  if (!OnlySeparators(tail)) {
    throw SourceError(fmt::format("{}: the query holds more than one statement", describe_));
  }
  return stmt;
}

std::optional<int64_t> SqliteSource::EstimateRows(const TableRef& ref) {
  std::string schema = dialect_.QuoteIdentifier(ref.schema.empty() ? "main" : ref.schema);
  auto single = [&](const std::string& sql, bool bind) -> std::optional<int64_t> {
    SqliteStmt stmt = Prepare(sql);
    if (bind) {
      sqlite3_bind_text(stmt.get(), 1, ref.table.data(), static_cast<int>(ref.table.size()),
                        SQLITE_TRANSIENT);
    }
    int rc = sqlite3_step(stmt.get());
    if (rc == SQLITE_ROW && sqlite3_column_type(stmt.get(), 0) != SQLITE_NULL) {
      return sqlite3_column_int64(stmt.get(), 0);
    }
    if (rc == SQLITE_ROW || rc == SQLITE_DONE || rc == SQLITE_INTERRUPT) return std::nullopt;
    throw SourceError(fmt::format("{}: cannot estimate the rows of '{}': {}", describe_, ref.table,
                                  sqlite3_errmsg(db_.get())));
  };
  SqliteStmt has_stat =
      Prepare(fmt::format("SELECT 1 FROM {}.sqlite_master WHERE name = 'sqlite_stat1'", schema));
  if (sqlite3_step(has_stat.get()) == SQLITE_ROW) {
    // "<rows> <rows per key>…": the first number is the table's rows.
    auto rows = single(fmt::format("SELECT CAST(stat AS INTEGER) FROM {}.sqlite_stat1 WHERE "
                                   "tbl = ?1 ORDER BY idx IS NOT NULL LIMIT 1",
                                   schema),
                       true);
    if (rows) return rows;
  }
  // No statistics: count, unless that takes longer than the budget.
  auto until = std::chrono::steady_clock::now() + kEstimateBudget;
  sqlite3_progress_handler(
      db_.get(), 10000,
      [](void* deadline) {
        return std::chrono::steady_clock::now() >
                       *static_cast<std::chrono::steady_clock::time_point*>(deadline)
                   ? 1
                   : 0;
      },
      &until);
  std::optional<int64_t> rows;
  try {
    rows = single(
        fmt::format("SELECT count(*) FROM {}.{}", schema, dialect_.QuoteIdentifier(ref.table)),
        false);
  } catch (...) {
    sqlite3_progress_handler(db_.get(), 0, nullptr, nullptr);
    throw;
  }
  sqlite3_progress_handler(db_.get(), 0, nullptr, nullptr);
  return rows;
}

Schema SqliteSource::DescribeTable(const TableRef& ref) {
  std::string schema_name = ref.schema.empty() ? "main" : ref.schema;
  SqliteStmt stmt =
      Prepare("SELECT name, type, \"notnull\", hidden FROM pragma_table_xinfo(?1, ?2)");
  sqlite3_bind_text(stmt.get(), 1, ref.table.data(), static_cast<int>(ref.table.size()),
                    SQLITE_TRANSIENT);
  sqlite3_bind_text(stmt.get(), 2, schema_name.data(), static_cast<int>(schema_name.size()),
                    SQLITE_TRANSIENT);
  Schema schema;
  int rc;
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    if (sqlite3_column_int(stmt.get(), 3) == 1) continue;  // hidden column of a virtual table
    auto text = [&](int i) {
      const unsigned char* t = sqlite3_column_text(stmt.get(), i);
      return std::string(t != nullptr ? reinterpret_cast<const char*>(t) : "");
    };
    schema.fields.push_back(
        Field{text(0), SqliteDeclaredType(text(1)), sqlite3_column_int(stmt.get(), 2) == 0});
  }
  if (rc != SQLITE_DONE) {
    throw SourceError(fmt::format("{}: cannot describe table '{}.{}': {}", describe_, schema_name,
                                  ref.table, sqlite3_errmsg(db_.get())));
  }
  if (schema.fields.empty()) {
    throw SourceError(
        fmt::format("{}: table '{}.{}' does not exist", describe_, schema_name, ref.table));
  }
  return schema;
}

std::vector<TableRef> SqliteSource::ListTables() {
  SqliteStmt stmt = Prepare(
      "SELECT schema, name FROM pragma_table_list WHERE type IN ('table', 'view') AND name NOT "
      "LIKE 'sqlite\\_%' ESCAPE '\\' AND schema <> 'temp' ORDER BY schema <> 'main', schema, name");
  std::vector<TableRef> tables;
  int rc;
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    auto text = [&](int i) {
      const unsigned char* t = sqlite3_column_text(stmt.get(), i);
      return std::string(t != nullptr ? reinterpret_cast<const char*>(t) : "");
    };
    tables.push_back(TableRef{text(0), text(1)});
  }
  if (rc != SQLITE_DONE) {
    throw SourceError(
        fmt::format("{}: cannot list the tables: {}", describe_, sqlite3_errmsg(db_.get())));
  }
  return tables;
}

Schema SqliteSource::DescribeQuery(const std::string& sql) { return *Query(sql)->schema(); }

std::unique_ptr<Reader> SqliteSource::Query(const std::string& sql) {
  SqliteStmt stmt = Prepare(sql);
  if (sqlite3_column_count(stmt.get()) == 0) {
    throw SourceError(fmt::format("{}: the query returns no columns", describe_));
  }
  return std::make_unique<SqliteReader>(std::move(stmt), describe_);
}

}  // namespace tributary
