#include "source/odbc/odbc_connection.h"

#include <fmt/format.h>

#include "common/error.h"
#include "common/log.h"
#include "source/odbc/odbc_reader.h"
#include "source/odbc/odbc_text.h"

namespace tributary {

OdbcConnection::OdbcConnection(std::string where) : where_(std::move(where)) {}

std::shared_ptr<OdbcConnection> OdbcConnection::Open(const OdbcConnectOptions& options) {
  std::shared_ptr<OdbcConnection> conn(new OdbcConnection(options.where));
  conn->env_ = OdbcHandle::Allocate(SQL_HANDLE_ENV, SQL_NULL_HANDLE);
  SQLSetEnvAttr(conn->env_.get(), SQL_ATTR_ODBC_VERSION,
                reinterpret_cast<SQLPOINTER>(static_cast<intptr_t>(SQL_OV_ODBC3)), 0);
  conn->dbc_ = OdbcHandle::Allocate(SQL_HANDLE_DBC, conn->env_.get());
  if (options.login_timeout_seconds > 0) {
    SQLSetConnectAttr(
        conn->dbc_.get(), SQL_ATTR_LOGIN_TIMEOUT,
        reinterpret_cast<SQLPOINTER>(static_cast<intptr_t>(options.login_timeout_seconds)), 0);
  }
  WideString wide = ToWide(options.connection_string, "the ODBC connection string");
  SQLRETURN rc = SQLDriverConnectW(conn->dbc_.get(), nullptr, wide.data(),
                                   static_cast<SQLSMALLINT>(wide.size()), nullptr, 0, nullptr,
                                   SQL_DRIVER_NOPROMPT);
  if (!OdbcOk(rc)) {
    auto records = ReadDiagnostics(SQL_HANDLE_DBC, conn->dbc_.get());
    std::string why = ScrubSecrets(FormatDiagnostics(records), options.secrets);
    std::string message =
        fmt::format("{}: cannot connect: {}{}", options.where, why,
                    options.connect_hint.empty() ? "" : "; " + options.connect_hint);
    if (AnyTransient(records)) throw TransientSourceError(message);
    throw SourceError(message);
  }
  conn->connected_ = true;
  return conn;
}

OdbcConnection::~OdbcConnection() {
  if (connected_) SQLDisconnect(dbc_.get());
}

OdbcHandle OdbcConnection::NewStatement() {
  return OdbcHandle::Allocate(SQL_HANDLE_STMT, dbc_.get());
}

void OdbcConnection::Fail(const std::string& what, const OdbcHandle& handle) const {
  auto records = ReadDiagnostics(handle.type(), handle.get());
  std::string message = fmt::format("{}: {}: {}", where_, what, FormatDiagnostics(records));
  if (AnyTransient(records)) throw TransientSourceError(message);
  throw SourceError(message);
}

OdbcHandle OdbcConnection::ExecuteDirect(const std::string& sql) {
  if (LogEnabled(LogLevel::kDebug))
    Log(LogLevel::kDebug, "sql", {{"source", where_}, {"sql", sql}});
  OdbcHandle stmt = NewStatement();
  WideString wide = ToWide(sql, "the query");
  SQLRETURN rc = SQLExecDirectW(stmt.get(), wide.data(), static_cast<SQLINTEGER>(wide.size()));
  if (!OdbcOk(rc) && rc != SQL_NO_DATA) Fail("query failed", stmt);
  return stmt;
}

bool OdbcConnection::SkipToColumns(const OdbcHandle& stmt) const {
  while (true) {
    SQLSMALLINT columns = 0;
    if (!OdbcOk(SQLNumResultCols(stmt.get(), &columns))) Fail("query failed", stmt);
    if (columns > 0) return true;
    SQLRETURN rc = SQLMoreResults(stmt.get());
    if (rc == SQL_NO_DATA) return false;
    if (!OdbcOk(rc)) Fail("query failed", stmt);
  }
}

std::unique_ptr<Reader> OdbcConnection::Query(const std::string& sql) {
  OdbcHandle stmt = ExecuteDirect(sql);
  if (!SkipToColumns(stmt))
    throw SourceError(fmt::format("{}: the query returns no columns", where_));
  return std::make_unique<OdbcReader>(shared_from_this(), std::move(stmt));
}

void OdbcConnection::Execute(const std::string& sql) {
  OdbcHandle stmt = ExecuteDirect(sql);
  // Walk every result so that errors raised late in a batch surface here.
  SQLRETURN rc;
  while ((rc = SQLMoreResults(stmt.get())) == SQL_SUCCESS || rc == SQL_SUCCESS_WITH_INFO) {
  }
  if (rc == SQL_ERROR) Fail("query failed", stmt);
}

std::string OdbcConnection::Info(SQLUSMALLINT info_type) const {
  SQLWCHAR buffer[256] = {};
  SQLSMALLINT bytes = 0;
  if (!OdbcOk(SQLGetInfoW(dbc_.get(), info_type, buffer, sizeof(buffer), &bytes))) return "";
  size_t units = std::min<size_t>(static_cast<size_t>(bytes) / sizeof(SQLWCHAR), 255);
  return FromWide(buffer, units);
}

}  // namespace tributary
