#include "sink/duckdb/duckdb_transaction.h"

#include <fmt/format.h>

#include "clients/duckdb/duckdb_sql.h"
#include "common/error.h"
#include "common/fault_point.h"
#include "sink/duckdb/duckdb_sink.h"

namespace tributary {

DuckDbLoadTransaction::DuckDbLoadTransaction(const DuckDbSink& sink, std::string task_id)
    : sink_(sink), task_id_(std::move(task_id)), run_id_(CurrentRunId()), conn_(sink.Connect()) {
  DuckExec(conn_.get(), "BEGIN TRANSACTION",
           fmt::format("task '{}': cannot begin a transaction", task_id_));
}

DuckDbLoadTransaction::~DuckDbLoadTransaction() {
  if (committed_) return;
  writers_.clear();  // appenders flush into the transaction rolled back next
  DuckResult result;
  duckdb_query(conn_.get(), "ROLLBACK", result.out());
}

TableWriter& DuckDbLoadTransaction::Open(const LoadSpec& spec) {
  if (committed_) throw SinkError(fmt::format("table '{}': opened after commit", spec.table));
  for (const auto& w : writers_) {
    if (w->table() == spec.table) {
      throw SinkError(fmt::format("table '{}' is opened twice in one load", spec.table));
    }
  }
  writers_.push_back(std::make_unique<DuckDbTableWriter>(sink_, conn_.get(), spec));
  return *writers_.back();
}

void DuckDbLoadTransaction::Commit(const std::optional<std::string>& state) {
  if (committed_) throw SinkError(fmt::format("task '{}': committed twice", task_id_));
  for (auto& w : writers_) w->Finish();
  if (state) SaveState(*state);
  RecordSchemaChanges();
  FaultPoint("duckdb.before_commit");
  DuckExec(conn_.get(), "COMMIT", fmt::format("task '{}': cannot commit", task_id_));
  committed_ = true;
  writers_.clear();
}

void DuckDbLoadTransaction::SaveState(const std::string& state) {
  DuckStatement(
      conn_.get(),
      sink_.InCatalog(
          "INSERT INTO _tributary.state (task_id, state, updated_at) VALUES (?, ?, now()) "
          "ON CONFLICT (task_id) DO UPDATE SET state = excluded.state, "
          "updated_at = excluded.updated_at"),
      fmt::format("cannot save the state of task '{}'", task_id_))
      .Bind(1, task_id_)
      .Bind(2, state)
      .Execute();
}

}  // namespace tributary

namespace tributary {

void DuckDbLoadTransaction::RecordSchemaChanges() {
  TimePoint now = SystemClock::Instance().Now();
  for (const auto& w : writers_) {
    for (const SchemaChangeRecord& c : w->schema_changes()) {
      if (c.change == "kept") {
        DuckResult last =
            DuckStatement(conn_.get(),
                          sink_.InCatalog("SELECT change FROM _tributary.schema_changes WHERE "
                                          "table_name = ? AND column_name = ? "
                                          "ORDER BY changed_at DESC LIMIT 1"),
                          fmt::format("task '{}': cannot read the schema changes", task_id_))
                .Bind(1, c.table)
                .Bind(2, c.column)
                .Execute();
        if (ResultRows(last) > 0 && ResultText(last, 0, 0) == "kept") continue;
      }
      DuckStatement(conn_.get(),
                    sink_.InCatalog("INSERT INTO _tributary.schema_changes (run_id, task_id, "
                                    "table_name, column_name, change, old_type, new_type, "
                                    "changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                    fmt::format("task '{}': cannot record a schema change", task_id_))
          .Bind(1, run_id_)
          .Bind(2, task_id_)
          .Bind(3, c.table)
          .Bind(4, c.column)
          .Bind(5, c.change)
          .Bind(6, c.old_type)
          .Bind(7, c.new_type)
          .BindTime(8, now)
          .Execute();
    }
  }
}

}  // namespace tributary
