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
