#include "sink/duckdb/duckdb_table_writer.h"

#include <fmt/format.h>

#include <atomic>

#include "clients/duckdb/duckdb_sql.h"
#include "clients/duckdb/duckdb_types.h"
#include "common/error.h"
#include "sink/duckdb/duckdb_sink.h"
#include "sink/schema_evolution.h"

namespace tributary {
namespace {

std::string ColumnDefinitions(const Schema& schema) {
  std::string sql;
  for (const Field& f : schema.fields) {
    if (!sql.empty()) sql += ", ";
    sql += DuckQuote(f.name) + " " + DuckTypeSql(f.type);
  }
  return sql;
}

std::string ColumnNames(const Schema& schema, std::string_view prefix = "") {
  std::string sql;
  for (const Field& f : schema.fields) {
    if (!sql.empty()) sql += ", ";
    sql += std::string(prefix) + DuckQuote(f.name);
  }
  return sql;
}

// Unique within the process; the only process that can open the file for
// writing is this one, and the table never outlives its transaction.
std::string NewStageName() {
  static std::atomic<uint64_t> counter{0};
  return fmt::format("stage_{}", counter.fetch_add(1));
}

}  // namespace

DuckDbTableWriter::DuckDbTableWriter(const DuckDbSink& sink, duckdb_connection conn,
                                     const LoadSpec& spec)
    : sink_(sink),
      conn_(conn),
      spec_(spec),
      qualified_(DuckQualified(sink.catalog(), sink.schema(), spec.table)) {
  CheckSpec();
  PrepareTable();
  chunks_ = std::make_unique<ChunkAppender>(spec_.schema, spec_.table);
}

void DuckDbTableWriter::CheckSpec() const {
  if (spec_.schema.fields.empty()) {
    throw SinkError(fmt::format("table '{}': cannot load a result without columns", spec_.table));
  }
  if (spec_.mode == WriteMode::kMerge && spec_.key.empty()) {
    throw SinkError(fmt::format("table '{}': a merge needs key columns", spec_.table));
  }
  for (const auto& k : spec_.key) {
    if (spec_.schema.IndexOf(k) < 0) {
      throw SinkError(
          fmt::format("table '{}': key column '{}' is not among the columns", spec_.table, k));
    }
  }
  if (!spec_.delete_marker.empty()) {
    int at = spec_.schema.IndexOf(spec_.delete_marker);
    if (at < 0 || spec_.schema.fields[static_cast<size_t>(at)].type.id != TypeId::kBool) {
      throw SinkError(fmt::format("table '{}': delete marker '{}' must be a boolean column",
                                  spec_.table, spec_.delete_marker));
    }
  }
}

Schema DuckDbTableWriter::StoredSchema() const {
  Schema stored;
  for (const Field& f : spec_.schema.fields) {
    if (f.name != spec_.delete_marker) stored.fields.push_back(f);
  }
  return stored;
}

void DuckDbTableWriter::PrepareTable() {
  std::string what = fmt::format("cannot create table '{}'", spec_.table);
  if (spec_.mode == WriteMode::kReplace) {
    Schema table = StoredSchema();
    std::vector<Field> kept;
    if (auto existing = DuckTableSchema(conn_, sink_.schema(), spec_.table)) {
      kept =
          PlanReplace(spec_.table, *existing, table, spec_.keep_dropped_columns, schema_changes_);
    }
    table.fields.insert(table.fields.end(), kept.begin(), kept.end());
    DuckExec(conn_,
             fmt::format("CREATE OR REPLACE TABLE {} ({})", qualified_, ColumnDefinitions(table)),
             what);
    OpenAppender(sink_.catalog(), sink_.schema(), spec_.table, !kept.empty());
    return;
  }
  auto existing = DuckTableSchema(conn_, sink_.schema(), spec_.table);
  bool same_columns = true;
  created_ = !existing;
  if (!existing) {
    DuckExec(conn_,
             fmt::format("CREATE TABLE {} ({})", qualified_, ColumnDefinitions(StoredSchema())),
             what);
  } else {
    SchemaChange change = PlanSchemaChange(spec_.table, *existing, StoredSchema());
    EvolveTable(change);
    schema_changes_ = change.records;
    same_columns = change.same_columns;
    DeleteWindow(*existing);
  }
  if (spec_.mode == WriteMode::kMerge) {
    CreateStage();
    OpenAppender(sink_.catalog(), "_tributary", stage_, false);
  } else {
    OpenAppender(sink_.catalog(), sink_.schema(), spec_.table, !same_columns);
  }
}

void DuckDbTableWriter::EvolveTable(const SchemaChange& change) {
  for (const Field& f : change.added) {
    DuckExec(conn_,
             fmt::format("ALTER TABLE {} ADD COLUMN {} {}", qualified_, DuckQuote(f.name),
                         DuckTypeSql(f.type)),
             fmt::format("cannot add column '{}' to table '{}'", f.name, spec_.table));
  }
  for (const Field& f : change.widened) {
    DuckExec(conn_,
             fmt::format("ALTER TABLE {} ALTER COLUMN {} SET DATA TYPE {}", qualified_,
                         DuckQuote(f.name), DuckTypeSql(f.type)),
             fmt::format("cannot widen column '{}' of table '{}' to {}", f.name, spec_.table,
                         TypeName(f.type)));
  }
}

void DuckDbTableWriter::DeleteWindow(const Schema& existing) {
  if (!spec_.delete_window) return;
  const auto& window = *spec_.delete_window;
  int at = existing.IndexOf(window.column);
  if (at < 0) {
    throw SinkError(fmt::format("table '{}' has no column '{}' to delete a window of", spec_.table,
                                window.column));
  }
  std::string column = DuckQuote(window.column);
  std::string type = DuckTypeSql(existing.fields[static_cast<size_t>(at)].type);
  std::string where = "true";  // an empty bound is left out
  if (!window.from.empty()) where += fmt::format(" AND {} >= CAST(? AS {})", column, type);
  if (!window.to.empty()) where += fmt::format(" AND {} < CAST(? AS {})", column, type);
  DuckStatement del(conn_, fmt::format("DELETE FROM {} WHERE {}", qualified_, where),
                    fmt::format("cannot delete the reloaded window of table '{}'", spec_.table));
  uint64_t param = 1;
  if (!window.from.empty()) del.Bind(param++, window.from);
  if (!window.to.empty()) del.Bind(param++, window.to);
  del.Execute();
}

// The stage is a table of the database file, not a TEMP table: DuckDB writes
// a big load's row groups to the file as they fill and can evict them, while
// a TEMP table lives in memory. Created and dropped inside the load's
// transaction, it is never visible to anyone else and never survives a crash.
void DuckDbTableWriter::CreateStage() {
  stage_ = NewStageName();
  DuckExec(conn_,
           fmt::format("CREATE TABLE {} ({})", DuckQualified(sink_.catalog(), "_tributary", stage_),
                       ColumnDefinitions(spec_.schema)),
           fmt::format("cannot stage rows for table '{}'", spec_.table));
}

void DuckDbTableWriter::OpenAppender(const std::string& catalog, const std::string& schema,
                                     const std::string& table, bool select_columns) {
  if (duckdb_appender_create_ext(conn_, catalog.c_str(), schema.c_str(), table.c_str(),
                                 appender_.out()) == DuckDBError) {
    duckdb_error_data error = duckdb_appender_error_data(appender_.get());
    std::string message = duckdb_error_data_message(error);
    duckdb_destroy_error_data(&error);
    throw SinkError(fmt::format("cannot append to table '{}': {}", spec_.table, message));
  }
  if (!select_columns) return;
  duckdb_appender_clear_columns(appender_.get());
  for (const Field& f : spec_.schema.fields) {
    if (duckdb_appender_add_column(appender_.get(), f.name.c_str()) == DuckDBError) {
      throw SinkError(
          fmt::format("cannot append to column '{}' of table '{}'", f.name, spec_.table));
    }
  }
}

void DuckDbTableWriter::Write(const Batch& batch) {
  if (!appender_) throw SinkError(fmt::format("table '{}': write after commit", spec_.table));
  chunks_->Append(batch, appender_.get());
}

void DuckDbTableWriter::Finish() {
  CloseAppender();
  if (spec_.mode == WriteMode::kMerge) Merge();
}

void DuckDbTableWriter::CloseAppender() {
  chunks_->Flush(appender_.get());
  if (duckdb_appender_close(appender_.get()) == DuckDBError) {
    duckdb_error_data error = duckdb_appender_error_data(appender_.get());
    std::string message = duckdb_error_data_message(error);
    duckdb_destroy_error_data(&error);
    throw SinkError(
        fmt::format("cannot write table '{}': {}", spec_.table, DuckErrorText(message.c_str())));
  }
  appender_.reset();
}

// Deletes every key the staged rows name, then inserts the last staged row of
// each key unless it is a delete. Staged rows keep write order in rowid.
void DuckDbTableWriter::Merge() {
  std::string match, keys;
  for (const auto& k : spec_.key) {
    match += fmt::format("{}t.{} IS NOT DISTINCT FROM s.{}", match.empty() ? "" : " AND ",
                         DuckQuote(k), DuckQuote(k));
    keys += (keys.empty() ? "" : ", ") + DuckQuote(k);
  }
  std::string what = fmt::format("cannot merge into table '{}'", spec_.table);
  std::string stage = DuckQualified(sink_.catalog(), "_tributary", stage_);
  if (!created_) {  // a table created by this load has no rows to replace
    DuckExec(conn_,
             fmt::format("DELETE FROM {} AS t USING {} AS s WHERE {}", qualified_, stage, match),
             what);
  }
  std::string keep = spec_.delete_marker.empty() ? ""
                                                 : fmt::format(" AND NOT coalesce({}, false)",
                                                               DuckQuote(spec_.delete_marker));
  Schema stored = StoredSchema();
  DuckExec(conn_,
           fmt::format("INSERT INTO {} ({}) SELECT {} FROM (SELECT *, row_number() OVER "
                       "(PARTITION BY {} ORDER BY rowid DESC) AS _tributary_rank FROM {}) "
                       "WHERE _tributary_rank = 1{}",
                       qualified_, ColumnNames(stored), ColumnNames(stored), keys, stage, keep),
           what);
  DuckExec(conn_, "DROP TABLE " + stage, what);
}

}  // namespace tributary
