#include "sink/postgres/postgres_sink.h"

#include <fmt/format.h>

#include "common/error.h"
#include "data/value_text.h"
#include "sink/postgres/postgres_transaction.h"
#include "sink/postgres/postgres_types.h"
#include "sink/sink_identity.h"

namespace tributary {
namespace {

constexpr const char* kCreateSql = R"sql(
SELECT pg_advisory_xact_lock(hashtext('tributary: create schemas'));
CREATE SCHEMA IF NOT EXISTS _tributary;
CREATE TABLE IF NOT EXISTS _tributary.runs (run_id text PRIMARY KEY, started_at timestamptz,
  ended_at timestamptz, status text, command text, tasks_total integer, tasks_failed integer);
CREATE TABLE IF NOT EXISTS _tributary.task_results (run_id text, task_id text, strategy text,
  server text, database text, source_table text, frequency text, started_at timestamptz,
  ended_at timestamptz, rows bigint, bytes bigint, status text, error text, table_rows bigint);
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = '_tributary'
                 AND table_name = 'task_results' AND column_name = 'table_rows') THEN
    ALTER TABLE _tributary.task_results ADD COLUMN table_rows bigint;
  END IF;
END $$;
CREATE INDEX IF NOT EXISTS task_results_by_task ON _tributary.task_results (task_id, started_at);
CREATE TABLE IF NOT EXISTS _tributary.state (task_id text PRIMARY KEY, state text,
  updated_at timestamptz);
CREATE TABLE IF NOT EXISTS _tributary.sink (one boolean PRIMARY KEY DEFAULT true CHECK (one),
  sink_id text NOT NULL, created_at timestamptz);
CREATE TABLE IF NOT EXISTS _tributary.schema_changes (run_id text, task_id text,
  table_name text, column_name text, change text, old_type text, new_type text,
  changed_at timestamptz);
CREATE INDEX IF NOT EXISTS schema_changes_by_table ON _tributary.schema_changes
  (table_name, changed_at);
)sql";

}  // namespace

std::optional<Schema> PgTableSchema(PgConnection& conn, const std::string& schema,
                                    const std::string& table) {
  PgResult result = conn.Exec(
      "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
      "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p') AND a.attnum > 0 "
      "AND NOT a.attisdropped ORDER BY a.attnum",
      {schema, table}, fmt::format("cannot describe table '{}'", table));
  if (PQntuples(result.get()) == 0) return std::nullopt;
  Schema out;
  for (int row = 0; row < PQntuples(result.get()); ++row) {
    std::string name = PgValue(result.get(), row, 0).value_or("");
    std::string type = PgValue(result.get(), row, 1).value_or("");
    auto mapped = FromPgTypeSql(type);
    if (!mapped) {
      throw SinkError(fmt::format(
          "{}: table '{}' column '{}' has type {}, which tributary does not load into; change "
          "the column or give the table another sink_table",
          conn.describe(), table, name, type));
    }
    out.fields.push_back(Field{name, *mapped});
  }
  return out;
}

PostgresSink::PostgresSink(PgConnectInfo info, std::string schema)
    : info_(std::move(info)),
      where_(info_.Describe()),
      schema_(std::move(schema)),
      records_(Connect()) {
  CreateSchemas();
}

void PostgresSink::CreateSchemas() {
  std::lock_guard lock(mutex_);
  std::string what = "cannot create tributary's schemas";
  records_.Exec("BEGIN", {}, what);
  try {
    records_.Exec(kCreateSql, {}, what);
    records_.Exec("CREATE SCHEMA IF NOT EXISTS " + PgQuote(schema_), {}, what);
    records_.Exec("COMMIT", {}, what);
  } catch (...) {
    PgResult rollback(PQexec(records_.get(), "ROLLBACK"));
    throw;
  }
}

std::unique_ptr<LoadTransaction> PostgresSink::Begin(const std::string& task_id) {
  return std::make_unique<PostgresLoadTransaction>(*this, task_id);
}

namespace {

std::string Literal(std::string_view text) {
  std::string quoted = "'";
  for (char c : text) {
    quoted += c;
    if (c == '\'') quoted += '\'';
  }
  return quoted + "'";
}

// The SQL of one batch of keys (LatestRequest in sink.h), every value as text.
std::string LatestSql(const std::string& table, const LatestRequest& request, size_t begin,
                      size_t end) {
  std::string select, key_text, partition, order, keys;
  for (const auto& k : request.key) {
    select += (select.empty() ? "" : ", ") + PgQuote(k) + "::text";
    key_text += (key_text.empty() ? "" : " || chr(31) || ") + PgQuote(k) + "::text";
    partition += (partition.empty() ? "" : ", ") + PgQuote(k);
  }
  for (const auto& c : request.columns) select += ", " + PgQuote(c) + "::text";
  for (size_t i = begin; i < end; ++i) {
    std::string joined;
    for (const auto& v : request.keys[i]) joined += (joined.empty() ? "" : "\x1f") + v;
    keys += (keys.empty() ? "" : ", ") + Literal(joined);
  }
  std::string where = fmt::format("{} IN ({})", key_text, keys);
  if (!request.filter_column.empty()) {
    std::string values;
    for (const auto& v : request.filter_values) values += (values.empty() ? "" : ", ") + Literal(v);
    where += fmt::format(" AND {} IN ({})", PgQuote(request.filter_column), values);
  }
  for (const auto& o : request.order_by)
    order += (order.empty() ? "" : ", ") + PgQuote(o) + " DESC";
  if (order.empty()) return fmt::format("SELECT {} FROM {} WHERE {}", select, table, where);
  return fmt::format(
      "SELECT {} FROM (SELECT *, row_number() OVER (PARTITION BY {} ORDER BY {}) AS "
      "_tributary_rank FROM {} WHERE {}) AS ranked WHERE _tributary_rank = 1",
      select, partition, order, table, where);
}

}  // namespace

LatestRows PostgresSink::Latest(const LatestRequest& request) {
  if (!DescribeTable(request.table)) return {};
  std::string table = PgQuote(schema_) + "." + PgQuote(request.table);
  std::string what = fmt::format("cannot read the last values landed in table '{}'", request.table);
  LatestRows out;
  std::lock_guard lock(mutex_);
  for (size_t begin = 0; begin < request.keys.size(); begin += 500) {
    size_t end = std::min(request.keys.size(), begin + 500);
    PgResult result = records_.Exec(LatestSql(table, request, begin, end), {}, what);
    int keys = static_cast<int>(request.key.size());
    for (int row = 0; row < PQntuples(result.get()); ++row) {
      std::vector<std::string> key;
      for (int k = 0; k < keys; ++k) key.push_back(PgValue(result.get(), row, k).value_or(""));
      std::vector<std::optional<std::string>> values;
      for (size_t c = 0; c < request.columns.size(); ++c) {
        values.push_back(PgValue(result.get(), row, keys + static_cast<int>(c)));
      }
      out[std::move(key)] = std::move(values);
    }
  }
  return out;
}

std::string PostgresSink::Identity() {
  std::lock_guard lock(mutex_);
  if (!identity_.empty()) return identity_;
  // The single-row key makes the first writer win across processes.
  std::string what = "cannot read the sink's identity";
  records_.Exec(
      "INSERT INTO _tributary.sink (sink_id, created_at) VALUES ($1, now()) "
      "ON CONFLICT DO NOTHING",
      {NewSinkIdentity()}, what);
  PgResult result = records_.Exec("SELECT sink_id FROM _tributary.sink", {}, what);
  identity_ = PgValue(result.get(), 0, 0).value_or("");
  if (identity_.empty()) throw SinkError(where_ + ": " + what);
  return identity_;
}

std::optional<std::string> PostgresSink::ReadState(const std::string& task_id) {
  std::lock_guard lock(mutex_);
  PgResult result =
      records_.Exec("SELECT state FROM _tributary.state WHERE task_id = $1", {task_id},
                    fmt::format("cannot read the state of task '{}'", task_id));
  if (PQntuples(result.get()) == 0) return std::nullopt;
  return PgValue(result.get(), 0, 0);
}

std::optional<Schema> PostgresSink::DescribeTable(const std::string& table) {
  std::lock_guard lock(mutex_);
  return PgTableSchema(records_, schema_, table);
}

// PostgreSQL's own text of a timestamp depends on DateStyle and TimeZone, so
// the maximum is formatted explicitly into the canonical form.
std::optional<std::string> PostgresSink::ColumnMax(const std::string& table,
                                                   const std::string& column) {
  auto schema = DescribeTable(table);
  int at = schema ? schema->IndexOf(column) : -1;
  if (at < 0) return std::nullopt;
  const DataType& type = schema->fields[static_cast<size_t>(at)].type;
  std::string value = "max(" + PgQuote(column) + ")";
  if (type.id == TypeId::kTimestampTz) {
    value = fmt::format("to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00:00'",
                        value);
  } else if (type.id == TypeId::kTimestamp) {
    value = fmt::format("to_char({}, 'YYYY-MM-DD HH24:MI:SS.US')", value);
  } else if (type.id == TypeId::kDate) {
    value = fmt::format("to_char({}, 'YYYY-MM-DD')", value);
  } else {
    value += "::text";
  }
  std::lock_guard lock(mutex_);
  PgResult result =
      records_.Exec(fmt::format("SELECT {} FROM {}.{}", value, PgQuote(schema_), PgQuote(table)),
                    {}, fmt::format("cannot read the largest '{}' of table '{}'", column, table));
  auto text = PgValue(result.get(), 0, 0);
  if (!text) return std::nullopt;
  Column parsed(type);
  AppendValueText(parsed, *text);
  return ValueText(parsed, 0);
}

// Exact up to a million rows; above, the planner's figure (kept current by
// autovacuum's ANALYZE), so a big table is never scanned for it.
std::optional<int64_t> PostgresSink::TableRows(const std::string& table) {
  std::lock_guard lock(mutex_);
  std::string what = fmt::format("cannot count the rows of table '{}'", table);
  PgResult estimate = records_.Exec(
      "SELECT c.reltuples::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = "
      "c.relnamespace WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')",
      {schema_, table}, what);
  if (PQntuples(estimate.get()) == 0) return std::nullopt;
  int64_t rows = std::stoll(PgValue(estimate.get(), 0, 0).value_or("-1"));
  if (rows > 1000000) return rows;
  PgResult count = records_.Exec(
      fmt::format("SELECT count(*) FROM {}.{}", PgQuote(schema_), PgQuote(table)), {}, what);
  return std::stoll(PgValue(count.get(), 0, 0).value_or("0"));
}

std::string PostgresSink::Describe() const {
  return fmt::format("{} schema '{}'", where_, schema_);
}

}  // namespace tributary
