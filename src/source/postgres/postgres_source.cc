#include "source/postgres/postgres_source.h"

#include <fmt/format.h>

#include <set>

#include "common/error.h"
#include "source/postgres/pg_cdc_check.h"
#include "source/postgres/pg_copy_reader.h"
#include "source/postgres/pg_parallel_reader.h"

namespace tributary {
namespace {

// The cast that makes a literal of `type` compare with a column of that type.
const char* CastName(TypeId id) {
  switch (id) {
    case TypeId::kDecimal:
      return "numeric";
    case TypeId::kFloat32:
      return "real";
    case TypeId::kFloat64:
      return "double precision";
    case TypeId::kBytes:
      return "bytea";
    case TypeId::kDate:
      return "date";
    case TypeId::kTime:
      return "time";
    case TypeId::kTimestamp:
      return "timestamp";
    case TypeId::kTimestampTz:
      return "timestamptz";
    case TypeId::kInterval:
      return "interval";
    case TypeId::kUuid:
      return "uuid";
    case TypeId::kJson:
      return "json";
    default:
      return nullptr;  // text: an untyped literal takes the column's own type
  }
}

std::string DisplayName(const TableRef& ref) {
  return ref.schema.empty() ? ref.table : ref.schema + "." + ref.table;
}

}  // namespace

std::string PostgresDialect::QuoteIdentifier(std::string_view name) const {
  std::string quoted = "\"";
  for (char c : name) {
    quoted += c;
    if (c == '"') quoted += '"';
  }
  return quoted + "\"";
}

std::string PostgresDialect::Literal(const DataType& type, std::string_view value) const {
  switch (type.id) {
    case TypeId::kBool:
      return value == "true" ? "true" : "false";
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
      return std::string(value);
    default:
      break;
  }
  // E'…' reads backslashes the same whatever standard_conforming_strings says.
  bool escape = value.find('\\') != std::string_view::npos;
  std::string quoted = escape ? "E'" : "'";
  for (char c : value) {
    quoted += c;
    if (c == '\'' || (escape && c == '\\')) quoted += c;
  }
  quoted += "'";
  const char* cast = CastName(type.id);
  return cast == nullptr ? quoted : quoted + "::" + cast;
}

PostgresSource::PostgresSource(PgConnectInfo info, PgParallelOptions parallel)
    : parallel_(parallel),
      conn_(std::make_shared<PgConnection>(std::move(info))),
      resolver_(*conn_) {}

void PostgresSource::SetQueryTag(const std::string& tag) {
  tag_ = tag;
  resolver_.set_tag(tag);
}

std::vector<TableRef> PostgresSource::ListTables() {
  PgResult r = conn_->Exec(tag_ +
                           "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c JOIN "
                           "pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN "
                           "('r', 'v', 'm', 'f', 'p') AND n.nspname <> 'information_schema' AND "
                           "n.nspname NOT LIKE 'pg\\_%' ORDER BY 1, 2");
  std::vector<TableRef> tables;
  for (int row = 0; row < PQntuples(r.get()); ++row)
    tables.push_back(TableRef{PQgetvalue(r.get(), row, 0), PQgetvalue(r.get(), row, 1)});
  return tables;
}

Schema PostgresSource::DescribeQuery(const std::string& sql) {
  (void)PlanQuery(tag_ + sql, "query result");
  return Source::DescribeQuery(sql);
}

std::vector<SourceFinding> PostgresSource::CheckChangeCapture(const Project& project,
                                                              const std::vector<Task>& tasks) {
  return CheckPgChangeCapture(*conn_, project, tasks);
}

std::optional<int64_t> PostgresSource::EstimateRows(const TableRef& ref) {
  // A plain table is no partition tree: it is its own leaf.
  PgResult r = conn_->Exec(
      tag_ +
          "WITH r AS (SELECT pg_catalog.to_regclass($1) AS oid), leaves AS (SELECT t.relid FROM "
          "r, pg_catalog.pg_partition_tree(r.oid) t WHERE t.isleaf UNION ALL SELECT r.oid FROM r "
          "WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_partition_tree(r.oid))) "
          "SELECT sum(c.reltuples)::bigint, bool_or(c.reltuples < 0 OR c.relkind NOT IN ('r', "
          "'m', 'f')) FROM leaves JOIN pg_catalog.pg_class c ON c.oid = leaves.relid",
      {dialect_.QualifiedName(ref)});
  auto rows = PgValue(r.get(), 0, 0);
  if (!rows || PgValue(r.get(), 0, 1) != "f") return std::nullopt;
  return std::stoll(*rows);
}

Schema PostgresSource::DescribeTable(const TableRef& ref) {
  std::string what = fmt::format("table '{}'", DisplayName(ref));
  PgResult oid =
      conn_->Exec(tag_ + "SELECT pg_catalog.to_regclass($1)::oid", {dialect_.QualifiedName(ref)});
  if (PQgetisnull(oid.get(), 0, 0)) {
    throw SourceError(fmt::format(
        "{}: {} does not exist or this user cannot see it; check the schema and table names in "
        "the ingest file (they are case-sensitive)",
        Describe(), what));
  }
  PgResult columns = conn_->Exec(
      tag_ +
          "SELECT attname, atttypid, atttypmod, attnotnull FROM "
          "pg_catalog.pg_attribute WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped "
          "ORDER BY attnum",
      {PQgetvalue(oid.get(), 0, 0)});
  Schema schema;
  for (int row = 0; row < PQntuples(columns.get()); ++row) {
    std::string name = PQgetvalue(columns.get(), row, 0);
    PgValueType type = resolver_.Resolve(std::stoul(PQgetvalue(columns.get(), row, 1)),
                                         std::stoi(PQgetvalue(columns.get(), row, 2)));
    if (type.wire == PgWire::kUnsupported) ThrowUnsupported(what, name, type);
    schema.fields.push_back(Field{name, type.type, PQgetvalue(columns.get(), row, 3)[0] != 't'});
  }
  if (schema.fields.empty())
    throw SourceError(fmt::format("{}: {} has no columns", Describe(), what));
  return schema;
}

PostgresSource::Plan PostgresSource::PlanQuery(const std::string& sql, const std::string& what) {
  auto schema = std::make_shared<Schema>();
  Plan plan;
  std::set<std::string> names;
  for (const PgColumnDesc& column : conn_->DescribeQuery(sql)) {
    if (!names.insert(column.name).second) {
      throw SourceError(
          fmt::format("{}: the query returns two columns named '{}'; give one of them an alias",
                      Describe(), column.name));
    }
    auto type =
        std::make_shared<const PgValueType>(resolver_.Resolve(column.type_oid, column.typmod));
    if (type->wire == PgWire::kUnsupported) ThrowUnsupported(what, column.name, *type);
    schema->fields.push_back(Field{column.name, type->type});
    plan.types.push_back(std::move(type));
  }
  if (schema->fields.empty()) throw SourceError(Describe() + ": the query returns no columns");
  plan.schema = std::move(schema);
  return plan;
}

void PostgresSource::ThrowUnsupported(const std::string& what, const std::string& column,
                                      const PgValueType& type) const {
  throw SourceError(fmt::format(
      "{}: {} column '{}' has type {}, which tributary cannot load without loss (see the type "
      "mapping in docs/postgresql.md); load it through a `query` table that casts it, e.g. "
      "SELECT \"{}\"::text",
      Describe(), what, column, type.name, column));
}

std::unique_ptr<Reader> PostgresSource::Query(const std::string& sql) {
  Plan plan = PlanQuery(sql, "query result");
  return std::make_unique<PgCopyReader>(conn_, plan.schema, plan.types, CopyStatement(sql),
                                        "the query");
}

std::unique_ptr<Reader> PostgresSource::Read(const ReadRequest& request) {
  std::string what = fmt::format("table '{}'", DisplayName(request.table));
  std::string select = dialect_.SelectColumns(request.table, request.columns);
  std::string where = request.where.empty() ? "" : " WHERE " + request.where;
  Plan plan = PlanQuery(request.tag + select + where, what);
  // Keep what the request knows and a result description cannot: NOT NULL.
  auto schema = std::make_shared<Schema>(*plan.schema);
  for (auto& field : schema->fields) {
    if (int i = request.columns.IndexOf(field.name); i >= 0) {
      field.nullable = request.columns.fields[static_cast<size_t>(i)].nullable;
    }
  }
  plan.schema = std::move(schema);
  if (request.parallelism > 1) {
    PgParallelRead read{
        request,  dialect_.QualifiedName(request.table), select, what, plan.schema, plan.types,
        parallel_};
    if (auto reader = OpenPgParallelReader(conn_, read)) return reader;
  }
  return std::make_unique<PgCopyReader>(conn_, plan.schema, plan.types,
                                        CopyStatement(request.tag + select + where), what);
}

}  // namespace tributary
