// One ODBC connection through the unixODBC driver manager. Every error names
// the connection's `where` (server and database), carries the driver's
// diagnostics, and never shows a secret of the connection string.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "source/odbc/odbc_handles.h"
#include "source/source.h"

namespace tributary {

struct OdbcConnectOptions {
  std::string connection_string;     // may hold secrets: never logged
  std::string where;                 // "sqlserver server 'core' database 'sales'"
  std::vector<std::string> secrets;  // scrubbed from driver messages
  int login_timeout_seconds = 0;     // 0: the driver's default
  // Appended to a failed connection's message, e.g. which settings to check.
  std::string connect_hint;
};

// Not thread-safe: one task uses it. Statements and readers keep the
// connection alive (shared ownership), so a Reader may outlive its Source.
class OdbcConnection : public std::enable_shared_from_this<OdbcConnection> {
 public:
  // Connects. Throws SourceError "<where>: cannot connect: <diagnostics>".
  static std::shared_ptr<OdbcConnection> Open(const OdbcConnectOptions& options);
  ~OdbcConnection();
  OdbcConnection(const OdbcConnection&) = delete;
  OdbcConnection& operator=(const OdbcConnection&) = delete;

  // Runs `sql` and streams its first result set with columns (leading
  // row counts, e.g. from SET statements, are skipped). Throws SourceError
  // when the query fails or returns no columns.
  std::unique_ptr<Reader> Query(const std::string& sql);
  // Runs `sql`, discarding any result.
  void Execute(const std::string& sql);

  // SQLGetInfo text, e.g. SQL_DRIVER_NAME, SQL_DBMS_NAME, SQL_DBMS_VER.
  std::string Info(SQLUSMALLINT info_type) const;
  const std::string& where() const { return where_; }

  // A new statement handle; freed before the connection.
  OdbcHandle NewStatement();
  // Throws SourceError "<where>: <what>: <diagnostics of handle>".
  [[noreturn]] void Fail(const std::string& what, const OdbcHandle& handle) const;

 private:
  explicit OdbcConnection(std::string where);
  OdbcHandle ExecuteDirect(const std::string& sql);
  // True once `stmt` is on a result set with columns (row counts before it
  // are skipped); false when it has none. Throws on an error.
  bool SkipToColumns(const OdbcHandle& stmt) const;

  std::string where_;
  OdbcHandle env_;
  OdbcHandle dbc_;
  bool connected_ = false;
};

}  // namespace tributary
