#include "sink/duckdb_table_writer.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/error.h"
#include "sink/duckdb_sink.h"
#include "sink/duckdb_sql.h"
#include "sink/duckdb_types.h"

namespace tributary {
namespace {

std::string ColumnList(const Schema& schema) {
  std::string sql;
  for (const Field& f : schema.fields) {
    if (!sql.empty()) sql += ", ";
    sql += DuckQuote(f.name) + " " + DuckTypeSql(f.type);
  }
  return sql;
}

}  // namespace

DuckDbTableWriter::DuckDbTableWriter(const DuckDbSink& sink, const LoadSpec& spec)
    : sink_(sink),
      spec_(spec),
      qualified_(DuckQualified(sink.catalog(), sink.schema(), spec.table)),
      conn_(sink.Connect()) {
  if (spec_.schema.fields.empty()) {
    throw SinkError(fmt::format("table '{}': cannot load a result without columns", spec_.table));
  }
  DuckExec(conn_.get(), "BEGIN TRANSACTION", "cannot begin a transaction");
  PrepareTable();
  chunks_ = std::make_unique<ChunkAppender>(spec_.schema, spec_.table);
}

DuckDbTableWriter::~DuckDbTableWriter() {
  if (committed_) return;
  appender_.reset();  // flushes into the transaction that is rolled back next
  DuckResult result;
  duckdb_query(conn_.get(), "ROLLBACK", result.out());
}

void DuckDbTableWriter::PrepareTable() {
  if (spec_.mode == WriteMode::kReplace) {
    DuckExec(conn_.get(),
             fmt::format("CREATE OR REPLACE TABLE {} ({})", qualified_, ColumnList(spec_.schema)),
             fmt::format("cannot create table '{}'", spec_.table));
    OpenAppender(false);
    return;
  }
  auto existing = DuckTableColumns(conn_.get(), sink_.schema(), spec_.table);
  if (existing.empty()) {
    DuckExec(conn_.get(), fmt::format("CREATE TABLE {} ({})", qualified_, ColumnList(spec_.schema)),
             fmt::format("cannot create table '{}'", spec_.table));
    OpenAppender(false);
    return;
  }
  EvolveTable(existing);
  bool same = existing.size() == spec_.schema.fields.size();
  for (size_t i = 0; same && i < existing.size(); ++i) {
    same = existing[i].first == spec_.schema.fields[i].name;
  }
  OpenAppender(!same);
}

void DuckDbTableWriter::EvolveTable(
    const std::vector<std::pair<std::string, std::string>>& existing) {
  for (const Field& f : spec_.schema.fields) {
    auto it = std::find_if(existing.begin(), existing.end(),
                           [&](const auto& column) { return column.first == f.name; });
    if (it == existing.end()) {
      DuckExec(conn_.get(),
               fmt::format("ALTER TABLE {} ADD COLUMN {} {}", qualified_, DuckQuote(f.name),
                           DuckTypeSql(f.type)),
               fmt::format("cannot add column '{}' to table '{}'", f.name, spec_.table));
      continue;
    }
    auto type = FromDuckTypeSql(it->second);
    if (!type || !AppendsInto(f.type, *type)) {
      throw SinkError(fmt::format(
          "table '{}' column '{}' is {} in the sink but the source now gives {} ({}); appending "
          "would lose data — change the column in the sink or load with a full replace",
          spec_.table, f.name, it->second, DuckTypeSql(f.type), TypeName(f.type)));
    }
  }
}

void DuckDbTableWriter::OpenAppender(bool select_columns) {
  if (duckdb_appender_create_ext(conn_.get(), sink_.catalog().c_str(), sink_.schema().c_str(),
                                 spec_.table.c_str(), appender_.out()) == DuckDBError) {
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
  if (committed_) throw SinkError(fmt::format("table '{}': write after commit", spec_.table));
  chunks_->Append(batch, appender_.get());
}

void DuckDbTableWriter::Commit(const std::optional<std::string>& state) {
  if (committed_) throw SinkError(fmt::format("table '{}': committed twice", spec_.table));
  if (duckdb_appender_close(appender_.get()) == DuckDBError) {
    duckdb_error_data error = duckdb_appender_error_data(appender_.get());
    std::string message = duckdb_error_data_message(error);
    duckdb_destroy_error_data(&error);
    throw SinkError(fmt::format("cannot write table '{}': {}", spec_.table, message));
  }
  appender_.reset();
  if (state) SaveState(*state);
  DuckExec(conn_.get(), "COMMIT", fmt::format("cannot commit table '{}'", spec_.table));
  committed_ = true;
}

void DuckDbTableWriter::SaveState(const std::string& state) {
  DuckStatement(
      conn_.get(),
      sink_.InCatalog(
          "INSERT INTO _tributary.state (task_id, state, updated_at) VALUES (?, ?, now()) "
          "ON CONFLICT (task_id) DO UPDATE SET state = excluded.state, "
          "updated_at = excluded.updated_at"),
      fmt::format("cannot save the state of task '{}'", spec_.task_id))
      .Bind(1, spec_.task_id)
      .Bind(2, state)
      .Execute();
}

}  // namespace tributary
