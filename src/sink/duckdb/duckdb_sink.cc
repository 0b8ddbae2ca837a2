#include "sink/duckdb/duckdb_sink.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "clients/duckdb/duckdb_sql.h"
#include "clients/duckdb/duckdb_types.h"
#include "common/error.h"
#include "data/value_text.h"
#include "sink/duckdb/duckdb_file_wait.h"
#include "sink/duckdb/duckdb_latest.h"
#include "sink/duckdb/duckdb_transaction.h"
#include "sink/sink_identity.h"

namespace tributary {
namespace {

constexpr const char* kRecordTables[] = {
    "CREATE TABLE IF NOT EXISTS _tributary.runs (run_id VARCHAR PRIMARY KEY, "
    "started_at TIMESTAMPTZ, ended_at TIMESTAMPTZ, status VARCHAR, command VARCHAR, "
    "tasks_total INTEGER, tasks_failed INTEGER)",
    "CREATE TABLE IF NOT EXISTS _tributary.task_results (run_id VARCHAR, task_id VARCHAR, "
    "strategy VARCHAR, server VARCHAR, database VARCHAR, source_table VARCHAR, "
    "frequency VARCHAR, started_at TIMESTAMPTZ, ended_at TIMESTAMPTZ, rows BIGINT, "
    "bytes BIGINT, status VARCHAR, error VARCHAR, table_rows BIGINT)",
    // Added after the table's first release: older sink files gain it.
    "ALTER TABLE _tributary.task_results ADD COLUMN IF NOT EXISTS table_rows BIGINT",
    "CREATE TABLE IF NOT EXISTS _tributary.schema_changes (run_id VARCHAR, task_id VARCHAR, "
    "table_name VARCHAR, column_name VARCHAR, change VARCHAR, old_type VARCHAR, "
    "new_type VARCHAR, changed_at TIMESTAMPTZ)",
    "CREATE TABLE IF NOT EXISTS _tributary.state (task_id VARCHAR PRIMARY KEY, "
    "state VARCHAR, updated_at TIMESTAMPTZ)",
    "CREATE TABLE IF NOT EXISTS _tributary.sink (sink_id VARCHAR NOT NULL, "
    "created_at TIMESTAMPTZ)",
};

DuckDatabase OpenDuckDb(const std::filesystem::path& file, const DuckDbSinkOptions& options) {
  DuckConfig config;
  if (duckdb_create_config(config.out()) == DuckDBError) throw SinkError("duckdb: out of memory");
  duckdb_set_config(config.get(), "autoinstall_known_extensions", "false");
  duckdb_set_config(config.get(), "autoload_known_extensions", "false");
  if (duckdb_set_config(config.get(), "memory_limit", options.memory_limit.c_str()) ==
      DuckDBError) {
    throw SinkError(fmt::format(
        "the duckdb sink's memory_limit '{}' is not a size DuckDB accepts (e.g. 128MB, 1GB)",
        options.memory_limit));
  }
  SetDuckThreads(config.get(), options.threads, "duckdb");
  DuckDatabase database;
  char* error = nullptr;
  if (duckdb_open_ext(file.c_str(), database.out(), config.get(), &error) == DuckDBError) {
    std::string message = error != nullptr ? error : "unknown error";
    duckdb_free(error);
    throw SinkError(fmt::format("cannot open duckdb database '{}': {}", file.string(), message));
  }
  return database;
}

// Files "<name>.<pid>.new" of processes that no longer exist: creations a
// kill interrupted.
void RemoveAbandonedCreations(const std::filesystem::path& file) {
  std::error_code ec;
  std::filesystem::path dir = file.has_parent_path() ? file.parent_path() : ".";
  std::string prefix = file.filename().string() + ".";
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.size() <= prefix.size() + 4 || name.rfind(prefix, 0) != 0 || !name.ends_with(".new")) {
      continue;
    }
    std::string pid = name.substr(prefix.size(), name.size() - prefix.size() - 4);
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    if (kill(static_cast<pid_t>(std::stoll(pid)), 0) == 0 || errno != ESRCH) continue;
    std::error_code ignored;
    std::filesystem::remove(entry.path(), ignored);
    std::filesystem::path wal = entry.path();
    std::filesystem::remove(wal += ".wal", ignored);
  }
}

// DuckDB creates a new database file in several writes; a process killed
// between them leaves a file no later open accepts ("not a valid DuckDB
// database file"), and every run after would fail. So a new database is
// built under a name of its own and published whole with link(), which
// never replaces a file another process published first. An empty file at
// the path (what such a kill leaves behind, never a database) is replaced.
void CreateDatabaseFile(const std::filesystem::path& file, const DuckDbSinkOptions& options) {
  RemoveAbandonedCreations(file);
  std::error_code ec;
  auto size = std::filesystem::file_size(file, ec);
  if (!ec && size > 0) return;
  if (!ec) std::filesystem::remove(file, ec);  // empty: a creation that never finished
  std::filesystem::path fresh = file;
  fresh += fmt::format(".{}.new", getpid());
  std::filesystem::remove(fresh, ec);
  {
    DuckDatabase database = OpenDuckDb(fresh, options);
  }  // closed: checkpointed, no WAL left beside it
  int linked = link(fresh.c_str(), file.c_str());
  int link_errno = errno;
  std::filesystem::remove(fresh, ec);
  if (linked != 0 && link_errno != EEXIST) {
    throw SinkError(fmt::format("cannot create duckdb database '{}': {}", file.string(),
                                std::strerror(link_errno)));
  }
}

DuckDatabase OpenDatabase(const std::filesystem::path& file, const DuckDbSinkOptions& options) {
  CreateDatabaseFile(file, options);
  return OpenDuckFileWaiting(file, options.lock_wait, [&] { return OpenDuckDb(file, options); });
}

}  // namespace

std::vector<std::pair<std::string, std::string>> DuckTableColumns(duckdb_connection conn,
                                                                  const std::string& schema,
                                                                  const std::string& table) {
  DuckResult result =
      DuckStatement(conn,
                    "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = "
                    "current_database() AND schema_name = ? AND table_name = ? "
                    "ORDER BY column_index",
                    fmt::format("cannot describe table '{}'", table))
          .Bind(1, schema)
          .Bind(2, table)
          .Execute();
  std::vector<std::pair<std::string, std::string>> columns;
  for (uint64_t row = 0; row < ResultRows(result); ++row) {
    columns.emplace_back(ResultText(result, 0, row).value_or(""),
                         ResultText(result, 1, row).value_or(""));
  }
  return columns;
}

DuckDbSink::DuckDbSink(const std::filesystem::path& file, std::string schema,
                       const DuckDbSinkOptions& options)
    : file_(file), schema_(std::move(schema)) {
  std::error_code ec;
  if (file_.has_parent_path()) std::filesystem::create_directories(file_.parent_path(), ec);
  database_ = OpenDatabase(file_, options);
  records_ = Connect();
  DuckResult result = DuckExec(records_.get(), "SELECT current_database()", "cannot open sink");
  catalog_ = ResultText(result, 0, 0).value_or("");
  CreateSchemas();
}

DuckConnection DuckDbSink::Connect() const {
  DuckConnection conn;
  if (duckdb_connect(database_.get(), conn.out()) == DuckDBError) {
    throw SinkError(fmt::format("cannot connect to duckdb database '{}'", file_.string()));
  }
  return conn;
}

void DuckDbSink::CreateSchemas() {
  std::lock_guard lock(mutex_);
  std::string what = fmt::format("cannot prepare duckdb database '{}'", file_.string());
  std::string catalog = DuckQuote(catalog_) + ".";
  DuckExec(records_.get(), "CREATE SCHEMA IF NOT EXISTS " + catalog + DuckQuote(schema_), what);
  DuckExec(records_.get(), "CREATE SCHEMA IF NOT EXISTS " + catalog + "_tributary", what);
  for (const char* sql : kRecordTables) DuckExec(records_.get(), InCatalog(sql), what);
}

std::string DuckDbSink::InCatalog(std::string sql) const {
  const std::string from = "_tributary.";
  const std::string to = DuckQuote(catalog_) + "._tributary.";
  for (size_t at = 0; (at = sql.find(from, at)) != std::string::npos; at += to.size()) {
    sql.replace(at, from.size(), to);
  }
  return sql;
}

std::unique_ptr<LoadTransaction> DuckDbSink::Begin(const std::string& task_id) {
  return std::make_unique<DuckDbLoadTransaction>(*this, task_id);
}

std::optional<std::string> DuckDbSink::ReadState(const std::string& task_id) {
  std::lock_guard lock(mutex_);
  DuckResult result =
      DuckStatement(records_.get(),
                    InCatalog("SELECT state FROM _tributary.state WHERE task_id = ?"),
                    fmt::format("cannot read the state of task '{}'", task_id))
          .Bind(1, task_id)
          .Execute();
  if (ResultRows(result) == 0) return std::nullopt;
  return ResultText(result, 0, 0);
}

std::string DuckDbSink::Identity() {
  std::lock_guard lock(mutex_);
  if (!identity_.empty()) return identity_;
  std::string what =
      fmt::format("cannot read the identity of duckdb database '{}'", file_.string());
  // One process holds the file, and this connection is guarded: read, then
  // create if absent, cannot race.
  DuckResult result =
      DuckStatement(records_.get(), InCatalog("SELECT min(sink_id) FROM _tributary.sink"), what)
          .Execute();
  if (auto stored = ResultRows(result) == 1 ? ResultText(result, 0, 0) : std::nullopt) {
    identity_ = *stored;
    return identity_;
  }
  std::string id = NewSinkIdentity();
  DuckStatement(records_.get(), InCatalog("INSERT INTO _tributary.sink VALUES (?, now())"), what)
      .Bind(1, id)
      .Execute();
  identity_ = id;
  return identity_;
}

LatestRows DuckDbSink::Latest(const LatestRequest& request) {
  if (!DescribeTable(request.table)) return {};
  std::lock_guard lock(mutex_);
  return DuckLatest(records_.get(), DuckQualified(catalog_, schema_, request.table), request,
                    fmt::format("table '{}' of {}", request.table, Describe()));
}

std::optional<Schema> DuckDbSink::DescribeTable(const std::string& table) {
  std::lock_guard lock(mutex_);
  return DuckTableSchema(records_.get(), schema_, table);
}

std::optional<Schema> DuckTableSchema(duckdb_connection conn, const std::string& schema_name,
                                      const std::string& table) {
  auto columns = DuckTableColumns(conn, schema_name, table);
  if (columns.empty()) return std::nullopt;
  Schema schema;
  for (const auto& [name, type] : columns) {
    auto mapped = FromDuckTypeSql(type);
    if (!mapped) {
      throw SinkError(
          fmt::format("table '{}' column '{}' has type {}, which tributary does not "
                      "read back",
                      table, name, type));
    }
    schema.fields.push_back(Field{name, *mapped});
  }
  return schema;
}

std::optional<std::string> DuckDbSink::ColumnMax(const std::string& table,
                                                 const std::string& column) {
  auto schema = DescribeTable(table);
  int at = schema ? schema->IndexOf(column) : -1;
  if (at < 0) return std::nullopt;
  std::lock_guard lock(mutex_);
  DuckExec(records_.get(), "SET TimeZone = 'UTC'", "cannot set the time zone");
  DuckResult result =
      DuckExec(records_.get(),
               fmt::format("SELECT max({})::VARCHAR FROM {}", DuckQuote(column),
                           DuckQualified(catalog_, schema_, table)),
               fmt::format("cannot read the largest '{}' of table '{}'", column, table));
  auto text = ResultText(result, 0, 0);
  if (!text) return std::nullopt;
  Column value(schema->fields[static_cast<size_t>(at)].type);
  AppendValueText(value, *text);
  return ValueText(value, 0);
}

std::optional<int64_t> DuckDbSink::TableRows(const std::string& table) {
  if (!DescribeTable(table)) return std::nullopt;
  std::lock_guard lock(mutex_);
  DuckResult result =
      DuckExec(records_.get(),
               fmt::format("SELECT count(*) FROM {}", DuckQualified(catalog_, schema_, table)),
               fmt::format("cannot count the rows of table '{}'", table));
  return ResultInt(result, 0, 0);
}

std::string DuckDbSink::Describe() const {
  return fmt::format("duckdb sink '{}' schema '{}'", file_.string(), schema_);
}

}  // namespace tributary
