#include "source/sqlserver/sqlserver_source.h"

#include <fmt/format.h>

#include "common/error.h"
#include "source/sqlserver/sqlserver_cdc_prerequisites.h"
#include "source/sqlserver/sqlserver_cdc_session.h"
#include "source/sqlserver/sqlserver_types.h"

namespace tributary {
namespace {

std::string ConnectHint(const SqlServerSettings& s) {
  return fmt::format(
      "check host, port, user and password of server '{}' in tributary.yml, that the server "
      "accepts TCP connections from this machine, and that ODBC driver '{}' is installed "
      "(`odbcinst -q -d` lists them; see docs/sqlserver.md)",
      s.server_name, s.driver);
}

// The column types SqlServerDescribeTableSql's result arrives with.
void CheckCatalogShape(const Schema& schema, const std::string& where) {
  const TypeId expected[] = {TypeId::kText,  TypeId::kText, TypeId::kText, TypeId::kInt32,
                             TypeId::kInt32, TypeId::kBool, TypeId::kBool};
  bool ok = schema.fields.size() == std::size(expected);
  for (size_t i = 0; ok && i < schema.fields.size(); ++i)
    ok = schema.fields[i].type.id == expected[i];
  if (!ok) throw SourceError(where + ": the catalog query returned unexpected column types");
}

std::vector<SqlServerCatalogColumn> CatalogRows(Reader& reader, const std::string& where) {
  CheckCatalogShape(*reader.schema(), where);
  std::vector<SqlServerCatalogColumn> rows;
  Batch batch(reader.schema());
  while (reader.Next(batch, BatchLimits{})) {
    auto text = [&](size_t c, size_t r) {
      return batch.column(c).IsNull(r) ? std::string() : std::string(batch.column(c).GetBytes(r));
    };
    for (size_t r = 0; r < batch.num_rows(); ++r) {
      SqlServerCatalogColumn col;
      col.name = text(0, r);
      col.base_type = text(1, r);
      col.declared_type = text(2, r);
      col.precision = batch.column(3).Get<int32_t>(r);
      col.scale = batch.column(4).Get<int32_t>(r);
      col.nullable = batch.column(5).Get<uint8_t>(r) != 0;
      col.is_assembly_type = batch.column(6).Get<uint8_t>(r) != 0;
      rows.push_back(std::move(col));
    }
    batch.Clear();
  }
  return rows;
}

}  // namespace

Schema ReadSqlServerSchema(Reader& catalog, const TableRef& ref, const std::string& where) {
  return SqlServerSchema(CatalogRows(catalog, where), ref, where);
}

std::string SqlServerWhere(const std::string& server, const std::string& database) {
  return fmt::format("sqlserver server '{}' database '{}'", server, database);
}

std::string SqlServerSessionSetupSql() { return "/* tributary */ SET TEXTSIZE 2147483647"; }

SqlServerSource::SqlServerSource(const Project& project, const ServerConfig& server,
                                 const std::string& database) {
  SqlServerSettings settings = ReadSqlServerSettings(project, server);
  OdbcConnectionString cs = SqlServerConnectionString(settings, database);
  OdbcConnectOptions options;
  options.connection_string = cs.str();
  options.where = SqlServerWhere(server.name, database);
  options.secrets = cs.Secrets();
  options.login_timeout_seconds = settings.connect_timeout_seconds;
  options.connect_hint = ConnectHint(settings);
  connection_ = OdbcConnection::Open(options);
  connection_->Execute(SqlServerSessionSetupSql());
}

Schema SqlServerSource::DescribeTable(const TableRef& ref) {
  auto reader = connection_->Query(SqlServerDescribeTableSql(ref));
  return ReadSqlServerSchema(*reader, ref, connection_->where());
}

std::string SqlServerQueryErrorSql(const std::string& sql) {
  return fmt::format(
      "/* tributary */ SELECT TOP 1 CAST(error_message AS nvarchar(4000)) AS error_message FROM "
      "sys.dm_exec_describe_first_result_set({}, NULL, 0) WHERE error_number IS NOT NULL",
      SqlServerString(sql));
}

std::string SqlServerDescribeQuerySql(const std::string& sql) {
  return fmt::format(
      "/* tributary */ SELECT CAST(d.name AS nvarchar(128)) AS column_name, bt.name AS base_type, "
      "COALESCE(ut.name, bt.name) AS declared_type, CAST(d.precision AS int) AS precision, "
      "CAST(d.scale AS int) AS scale, CAST(COALESCE(d.is_nullable, 1) AS bit) AS is_nullable, "
      "CAST(COALESCE(ut.is_assembly_type, 0) AS bit) AS is_assembly_type "
      "FROM sys.dm_exec_describe_first_result_set({}, NULL, 0) AS d "
      "LEFT JOIN sys.types AS bt ON bt.user_type_id = d.system_type_id "
      "LEFT JOIN sys.types AS ut ON ut.user_type_id = d.user_type_id "
      "WHERE d.is_hidden = 0 AND d.error_number IS NULL ORDER BY d.column_ordinal",
      SqlServerString(sql));
}

Schema SqlServerSource::DescribeQuery(const std::string& sql) {
  auto errors = connection_->Query(SqlServerQueryErrorSql(sql));
  Batch batch(errors->schema());
  while (errors->Next(batch, BatchLimits{})) {
  }
  if (batch.num_rows() > 0 && batch.num_columns() == 1 && !batch.column(0).IsNull(0)) {
    throw SourceError(fmt::format("{}: the query does not compile: {}", connection_->where(),
                                  batch.column(0).GetBytes(0)));
  }
  auto columns = connection_->Query(SqlServerDescribeQuerySql(sql));
  return ReadSqlServerSchema(*columns, TableRef{"", "(query)"}, connection_->where());
}

std::string SqlServerListTablesSql() {
  return "SELECT CAST(s.name AS nvarchar(128)) AS schema_name, CAST(o.name AS nvarchar(128)) AS "
         "table_name FROM sys.objects AS o JOIN sys.schemas AS s ON s.schema_id = o.schema_id "
         "WHERE o.type IN ('U', 'V') AND o.is_ms_shipped = 0 ORDER BY s.name, o.name";
}

std::vector<TableRef> SqlServerSource::ListTables() {
  auto reader = connection_->Query(SqlServerListTablesSql());
  const Schema& shape = *reader->schema();
  if (shape.fields.size() != 2 || shape.fields[0].type.id != TypeId::kText ||
      shape.fields[1].type.id != TypeId::kText) {
    throw SourceError(connection_->where() + ": the table list returned unexpected columns");
  }
  std::vector<TableRef> tables;
  Batch batch(reader->schema());
  while (reader->Next(batch, BatchLimits{})) {
    for (size_t r = 0; r < batch.num_rows(); ++r) {
      tables.push_back(TableRef{std::string(batch.column(0).GetBytes(r)),
                                std::string(batch.column(1).GetBytes(r))});
    }
    batch = Batch(reader->schema());
  }
  return tables;
}

std::vector<SourceFinding> SqlServerSource::CheckChangeCapture(const Project& project,
                                                               const std::vector<Task>& tasks) {
  (void)project;
  std::vector<SourceFinding> out;
  for (const Task& task : tasks) {
    TableRef ref{task.source_schema.empty() ? "dbo" : task.source_schema, task.source_table};
    std::string table = ref.schema + "." + ref.table;
    SqlServerCdcSession session(*connection_, ref);
    auto problems =
        CheckSqlServerCdcPrerequisites(session.ReadPrerequisites(), ref, connection_->where());
    if (problems.empty()) {
      out.push_back(SourceFinding{table, "prerequisites", CheckStatus::kOk,
                                  "CDC is enabled on the database and the table"});
    }
    for (const auto& p : problems) {
      out.push_back(SourceFinding{table, "prerequisites",
                                  p.fatal ? CheckStatus::kFail : CheckStatus::kWarn, p.message});
    }
  }
  return out;
}

std::unique_ptr<Reader> SqlServerSource::Query(const std::string& sql) {
  return connection_->Query(sql);
}

}  // namespace tributary
