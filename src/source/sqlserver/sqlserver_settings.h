// Connection settings of a `kind: sqlserver` server (declared in
// config/settings.cc) and the ODBC connection string built from them.
#pragma once

#include <string>

#include "config/project.h"
#include "source/odbc/odbc_connection_string.h"

namespace tributary {

struct SqlServerSettings {
  std::string server_name;  // the name in tributary.yml, for messages
  std::string host;         // may carry an instance: "host\\instance"
  int port = 1433;
  std::string user;
  std::string password;  // resolved secret; never shown
  std::string driver = "FreeTDS";
  bool encrypt = true;
  bool trust_server_certificate = false;
  std::string application_name = "tributary";
  int connect_timeout_seconds = 15;
  // The server's time zone as sys.time_zone_info names it, for CDC commit
  // times; empty: ask the server (SQL Server 2022, Azure SQL).
  std::string time_zone;

  // FreeTDS takes different connection keywords than Microsoft's drivers.
  bool IsFreeTds() const;
};

// Reads the server's settings, applying declared defaults and resolving
// secret references. Throws ConfigError naming the server, the setting and
// where the server is declared when a value is invalid.
SqlServerSettings ReadSqlServerSettings(const Project& project, const ServerConfig& server);

// The connection string for `database`. For FreeTDS: SERVER, PORT,
// TDS_Version=7.4 (needed for date, time, datetime2 and datetimeoffset to
// arrive typed), ClientCharset=UTF-8 and Encryption. For Microsoft's drivers:
// SERVER=tcp:host,port, Encrypt and TrustServerCertificate. Both get
// DATABASE, UID, PWD (secret) and APP, the name a DBA sees in
// sys.dm_exec_sessions.program_name. Throws ConfigError (naming the setting,
// never its value) for a value FreeTDS cannot receive unambiguously.
OdbcConnectionString SqlServerConnectionString(const SqlServerSettings& settings,
                                               const std::string& database);

}  // namespace tributary
