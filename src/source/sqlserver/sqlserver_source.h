// The SQL Server / Azure SQL source: one database of a `kind: sqlserver`
// server, read through ODBC (FreeTDS or Microsoft's driver; see
// docs/sqlserver.md). Types follow odbc_types.h and sqlserver_types.h.
#pragma once

#include <memory>
#include <string>

#include "config/project.h"
#include "source/odbc/odbc_connection.h"
#include "source/source.h"
#include "source/sqlserver/sqlserver_dialect.h"
#include "source/sqlserver/sqlserver_settings.h"

namespace tributary {

// Not thread-safe (one task owns it). Readers it returns stay valid after
// the source is destroyed.
class SqlServerSource final : public Source {
 public:
  // Connects to `database`. Throws SourceError naming server and database
  // (never the password), ConfigError for invalid settings.
  SqlServerSource(const Project& project, const ServerConfig& server, const std::string& database);

  const Dialect& dialect() const override { return dialect_; }
  Schema DescribeTable(const TableRef& ref) override;
  std::unique_ptr<Reader> Query(const std::string& sql) override;
  std::string Describe() const override { return connection_->where(); }
  // Asks the server to describe `sql` without running it
  // (sys.dm_exec_describe_first_result_set: SqlServerQueryErrorSql, then
  // SqlServerDescribeQuerySql), so CTEs and ORDER BY, which T-SQL refuses in
  // a derived table, are described too. Read rights show at the first run.
  Schema DescribeQuery(const std::string& sql) override;
  // Tables and views (SqlServerListTablesSql).
  std::vector<TableRef> ListTables() override;
  // CDC enabled on the database and each table, the Agent and the capture
  // job (sqlserver_cdc_prerequisites.h).
  std::vector<SourceFinding> CheckChangeCapture(const Project& project,
                                                const std::vector<Task>& tasks) override;

  // The open connection, for SQL Server specific work (CDC).
  OdbcConnection& connection() { return *connection_; }

 private:
  SqlServerDialect dialect_;
  std::shared_ptr<OdbcConnection> connection_;
};

// The schema of `ref` from the rows of SqlServerDescribeTableSql (catalog).
// Throws SourceError naming `where` (see SqlServerSchema).
Schema ReadSqlServerSchema(Reader& catalog, const TableRef& ref, const std::string& where);

// The first error the server finds describing `sql` (syntax, a missing
// table or column), as error_message text; no row when it describes.
std::string SqlServerQueryErrorSql(const std::string& sql);
// The columns of `sql`'s first result in the shape of
// SqlServerDescribeTableSql (read by ReadSqlServerSchema).
std::string SqlServerDescribeQuerySql(const std::string& sql);

// schema_name, table_name of every user table and view, as text.
std::string SqlServerListTablesSql();

// "sqlserver server 'core' database 'sales'".
std::string SqlServerWhere(const std::string& server, const std::string& database);

// Statements run once per connection: SET TEXTSIZE to the maximum, because
// FreeTDS otherwise cuts text, ntext and (max) values at its configured
// text size without an error.
std::string SqlServerSessionSetupSql();

}  // namespace tributary
