#include "sink/postgres/postgres_transaction.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <atomic>

#include "common/error.h"
#include "common/fault_point.h"
#include "common/files.h"
#include "sink/postgres/postgres_sink.h"
#include "sink/postgres/postgres_types.h"
#include "sink/schema_evolution.h"

namespace tributary {
namespace {

std::string NewStageName() {
  static std::atomic<uint64_t> counter{0};
  return fmt::format("_tributary_stage_{}", counter.fetch_add(1));
}

}  // namespace

PostgresTableWriter::PostgresTableWriter(PostgresSink& sink, PgConnection& conn,
                                         const LoadSpec& spec)
    : sink_(sink),
      conn_(conn),
      spec_(spec),
      target_(PgQuote(sink.schema()) + "." + PgQuote(spec.table)) {
  CheckSpec();
  Prepare();
  std::vector<DataType> targets;
  for (const Field& f : spec_.schema.fields) {
    int at = table_schema_.IndexOf(f.name);
    targets.push_back(at < 0 ? f.type : table_schema_.fields[static_cast<size_t>(at)].type);
  }
  encoder_ = std::make_unique<PgCopyEncoder>(targets, spec_.table);
}

std::string PostgresTableWriter::What(std::string_view action) const {
  return fmt::format("table '{}': {}", spec_.table, action);
}

void PostgresTableWriter::CheckSpec() const {
  if (spec_.schema.fields.empty()) {
    throw SinkError(What("cannot load a result without columns"));
  }
  if (spec_.mode == WriteMode::kMerge && spec_.key.empty()) {
    throw SinkError(What("a merge needs key columns"));
  }
  for (const auto& k : spec_.key) {
    if (spec_.schema.IndexOf(k) < 0) {
      throw SinkError(What(fmt::format("key column '{}' is not among the columns", k)));
    }
  }
  if (!spec_.delete_marker.empty()) {
    int at = spec_.schema.IndexOf(spec_.delete_marker);
    if (at < 0 || spec_.schema.fields[static_cast<size_t>(at)].type.id != TypeId::kBool) {
      throw SinkError(
          What(fmt::format("delete marker '{}' must be a boolean column", spec_.delete_marker)));
    }
  }
}

Schema PostgresTableWriter::StoredSchema() const {
  Schema stored;
  for (const Field& f : spec_.schema.fields) {
    if (f.name != spec_.delete_marker) stored.fields.push_back(f);
  }
  return stored;
}

std::string PostgresTableWriter::Columns(const Schema& schema, const std::string& prefix) const {
  std::string sql;
  for (const Field& f : schema.fields) sql += (sql.empty() ? "" : ", ") + prefix + PgQuote(f.name);
  return sql;
}

std::string ColumnDefinitions(const Schema& schema) {
  std::string sql;
  for (const Field& f : schema.fields) {
    sql += (sql.empty() ? "" : ", ") + PgQuote(f.name) + " " + PgTypeSql(f.type);
  }
  return sql;
}

void PostgresTableWriter::Prepare() {
  Schema stored = StoredSchema();
  if (spec_.mode == WriteMode::kReplace) {
    staging_ = NewStageName();
    table_schema_ = stored;
    if (auto existing = PgTableSchema(conn_, sink_.schema(), spec_.table)) {
      auto kept =
          PlanReplace(spec_.table, *existing, stored, spec_.keep_dropped_columns, schema_changes_);
      table_schema_.fields.insert(table_schema_.fields.end(), kept.begin(), kept.end());
    }
    copy_into_ = PgQuote(sink_.schema()) + "." + PgQuote(staging_);
    conn_.Exec(fmt::format("CREATE TABLE {} ({})", copy_into_, ColumnDefinitions(table_schema_)),
               {}, What("cannot create the new table"));
    return;
  }
  auto existing = PgTableSchema(conn_, sink_.schema(), spec_.table);
  if (!existing) {
    table_schema_ = stored;
    conn_.Exec(fmt::format("CREATE TABLE {} ({})", target_, ColumnDefinitions(stored)), {},
               What("cannot create the table"));
    if (spec_.mode == WriteMode::kMerge) {
      // Merges find the rows of staged keys through this index.
      conn_.Exec(fmt::format("CREATE INDEX ON {} ({})", target_, Columns(Schema{[&] {
                               std::vector<Field> keys;
                               for (const auto& k : spec_.key) keys.push_back(Field{k, {}});
                               return keys;
                             }()})),
                 {}, What("cannot index the key columns"));
    }
  } else {
    Evolve(*existing);
    DeleteWindow(*existing);
  }
  copy_into_ = target_;
  if (spec_.mode != WriteMode::kMerge) return;
  staging_ = NewStageName();
  copy_into_ = PgQuote(staging_);
  std::string columns;
  for (const Field& f : spec_.schema.fields) {
    int at = table_schema_.IndexOf(f.name);
    DataType type = at < 0 ? f.type : table_schema_.fields[static_cast<size_t>(at)].type;
    columns += PgQuote(f.name) + " " + PgTypeSql(type) + ", ";
  }
  conn_.Exec(fmt::format("CREATE TEMP TABLE {} ({}_tributary_seq bigserial) ON COMMIT DROP",
                         copy_into_, columns),
             {}, What("cannot stage rows to merge"));
}

void PostgresTableWriter::Evolve(const Schema& existing) {
  SchemaChange change = PlanSchemaChange(spec_.table, existing, StoredSchema());
  schema_changes_ = change.records;
  table_schema_ = existing;
  for (const Field& f : change.added) {
    conn_.Exec(
        fmt::format("ALTER TABLE {} ADD COLUMN {} {}", target_, PgQuote(f.name), PgTypeSql(f.type)),
        {}, What(fmt::format("cannot add column '{}'", f.name)));
    table_schema_.fields.push_back(f);
  }
  for (const Field& f : change.widened) {
    conn_.Exec(fmt::format("ALTER TABLE {} ALTER COLUMN {} TYPE {} USING {}::{}", target_,
                           PgQuote(f.name), PgTypeSql(f.type), PgQuote(f.name), PgTypeSql(f.type)),
               {}, What(fmt::format("cannot widen column '{}' to {}", f.name, TypeName(f.type))));
    table_schema_.fields[static_cast<size_t>(table_schema_.IndexOf(f.name))].type = f.type;
  }
}

void PostgresTableWriter::DeleteWindow(const Schema& existing) {
  if (!spec_.delete_window) return;
  const auto& window = *spec_.delete_window;
  int at = existing.IndexOf(window.column);
  if (at < 0) {
    throw SinkError(What(fmt::format("has no column '{}' to delete a window of", window.column)));
  }
  // Bounds are canonical text, cast to the column's type; an empty one is open.
  std::string type = PgTypeSql(table_schema_.fields[static_cast<size_t>(at)].type);
  std::string column = PgQuote(window.column);
  std::vector<std::string> conditions;
  std::vector<std::optional<std::string>> params;
  if (!window.from.empty()) {
    params.push_back(window.from);
    conditions.push_back(fmt::format("{} >= ${}::{}", column, params.size(), type));
  }
  if (!window.to.empty()) {
    params.push_back(window.to);
    conditions.push_back(fmt::format("{} < ${}::{}", column, params.size(), type));
  }
  std::string where =
      conditions.empty() ? "" : " WHERE " + fmt::format("{}", fmt::join(conditions, " AND "));
  conn_.Exec(fmt::format("DELETE FROM {}{}", target_, where), params,
             What("cannot delete the reloaded window"));
}

void PostgresTableWriter::Write(const Batch& batch) {
  if (!encoder_) throw SinkError(What("write after commit"));
  std::string data = encoder_->Encode(batch);
  conn_.CopyIn(
      fmt::format("COPY {} ({}) FROM STDIN (FORMAT binary)", copy_into_, Columns(batch.schema())),
      data, What("cannot copy rows"));
}

// Deletes every key the staged rows name, then inserts the last staged row
// of each key unless it is a delete. Staged rows keep COPY order in the seq.
void PostgresTableWriter::Merge() {
  std::string keys, equal, same;
  for (const auto& k : spec_.key) {
    keys += (keys.empty() ? "" : ", ") + PgQuote(k);
    equal += fmt::format("{}t.{} = s.{}", equal.empty() ? "" : " AND ", PgQuote(k), PgQuote(k));
    same += fmt::format("{}t.{} IS NOT DISTINCT FROM s.{}", same.empty() ? "" : " AND ", PgQuote(k),
                        PgQuote(k));
  }
  std::string stage = copy_into_;
  std::string what = What("cannot merge");
  conn_.Exec("ANALYZE " + stage, {}, what);
  conn_.Exec(fmt::format("DELETE FROM {} t USING (SELECT DISTINCT {} FROM {}) s WHERE {}", target_,
                         keys, stage, equal),
             {}, what);
  std::string null_keys;
  for (const auto& k : spec_.key)
    null_keys += (null_keys.empty() ? "" : " OR ") + PgQuote(k) + " IS NULL";
  conn_.Exec(fmt::format("DELETE FROM {} t USING (SELECT DISTINCT {} FROM {} WHERE {}) s WHERE {}",
                         target_, keys, stage, null_keys, same),
             {}, what);
  Schema stored = StoredSchema();
  std::string keep = spec_.delete_marker.empty()
                         ? "true"
                         : fmt::format("NOT coalesce({}, false)", PgQuote(spec_.delete_marker));
  conn_.Exec(fmt::format("INSERT INTO {} ({}) SELECT {} FROM (SELECT DISTINCT ON ({}) * FROM {} "
                         "ORDER BY {}, _tributary_seq DESC) s WHERE {}",
                         target_, Columns(stored), Columns(stored), keys, stage, keys, keep),
             {}, what);
}

void PostgresTableWriter::Finish() {
  encoder_.reset();
  if (spec_.mode == WriteMode::kMerge) {
    Merge();
  } else if (spec_.mode == WriteMode::kReplace) {
    conn_.Exec(fmt::format("DROP TABLE IF EXISTS {}; ALTER TABLE {} RENAME TO {}", target_,
                           copy_into_, PgQuote(spec_.table)),
               {},
               What("cannot replace the table (a view that depends on it must be dropped "
                    "first)"));
  }
}

PostgresLoadTransaction::PostgresLoadTransaction(PostgresSink& sink, std::string task_id)
    : sink_(sink), task_id_(std::move(task_id)), run_id_(CurrentRunId()), conn_(sink.Connect()) {
  std::string what = fmt::format("task '{}': cannot begin", task_id_);
  conn_.Exec("BEGIN", {}, what);
  // Waits a little for a crashed client's session to go; a load that is
  // still running makes this fail with a lock timeout instead.
  conn_.Exec("SET LOCAL lock_timeout = '30s'", {}, what);
  conn_.Exec("SELECT pg_advisory_xact_lock(hashtextextended('tributary task ' || $1, 0))",
             {task_id_},
             fmt::format("task '{}' is being loaded by another tributary run", task_id_));
  conn_.Exec("SET LOCAL lock_timeout = 0", {}, what);
}

PostgresLoadTransaction::~PostgresLoadTransaction() {
  if (committed_) return;
  PgResult rollback(PQexec(conn_.get(), "ROLLBACK"));
}

TableWriter& PostgresLoadTransaction::Open(const LoadSpec& spec) {
  if (committed_) throw SinkError(fmt::format("table '{}': opened after commit", spec.table));
  for (const auto& w : writers_) {
    if (w->table() == spec.table) {
      throw SinkError(fmt::format("table '{}' is opened twice in one load", spec.table));
    }
  }
  writers_.push_back(std::make_unique<PostgresTableWriter>(sink_, conn_, spec));
  return *writers_.back();
}

void PostgresLoadTransaction::Commit(const std::optional<std::string>& state) {
  if (committed_) throw SinkError(fmt::format("task '{}': committed twice", task_id_));
  for (auto& w : writers_) w->Finish();
  if (state) {
    conn_.Exec(
        "INSERT INTO _tributary.state (task_id, state, updated_at) VALUES ($1, $2, now()) "
        "ON CONFLICT (task_id) DO UPDATE SET state = excluded.state, updated_at = "
        "excluded.updated_at",
        {task_id_, *state}, fmt::format("cannot save the state of task '{}'", task_id_));
  }
  RecordSchemaChanges();
  FaultPoint("postgres.before_commit");
  conn_.Exec("COMMIT", {}, fmt::format("task '{}': cannot commit", task_id_));
  committed_ = true;
  writers_.clear();
}

void PostgresLoadTransaction::RecordSchemaChanges() {
  std::string now = std::to_string(ToMicros(SystemClock::Instance().Now()));
  for (const auto& w : writers_) {
    for (const SchemaChangeRecord& c : w->schema_changes()) {
      // A column kept by an earlier load and still kept is no new change.
      conn_.Exec(
          "INSERT INTO _tributary.schema_changes (run_id, task_id, table_name, column_name, "
          "change, old_type, new_type, changed_at) SELECT $1, $2, $3, $4, $5, $6, $7, "
          "'epoch'::timestamptz + $8::bigint * interval '1 microsecond' WHERE $5 <> 'kept' OR "
          "coalesce((SELECT change FROM _tributary.schema_changes WHERE table_name = $3 AND "
          "column_name = $4 ORDER BY changed_at DESC LIMIT 1), '') <> 'kept'",
          {run_id_, task_id_, c.table, c.column, c.change, c.old_type, c.new_type, now},
          fmt::format("task '{}': cannot record a schema change", task_id_));
    }
  }
}

}  // namespace tributary
