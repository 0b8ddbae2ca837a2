// Real ODBC drivers for tests: Debian's psqlODBC against the throwaway
// PostgreSQL cluster, and the SQLite3 ODBC driver against SQLite files.
// Drivers are named by library path so the tests do not depend on what
// odbcinst.ini registers.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "source/odbc/odbc_connection.h"
#include "source/odbc/odbc_connection_string.h"
#include "support/pg_cluster.h"

namespace tributary::testing {

// The path of an ODBC driver library (e.g. "psqlodbcw.so") under
// /usr/lib/<arch>/odbc; throws naming the Debian package when missing.
inline std::string OdbcDriverPath(const std::string& library, const std::string& package) {
  namespace fs = std::filesystem;
  for (const auto& dir : fs::directory_iterator("/usr/lib")) {
    fs::path candidate = dir.path() / "odbc" / library;
    if (fs::exists(candidate)) return candidate.string();
  }
  throw std::runtime_error("ODBC driver " + library + " not found: install Debian's '" + package +
                           "' (scripts/install-deps.sh does)");
}

// Connection string for `database` on the shared test cluster via psqlODBC
// (Unicode). BoolsAsChar=0 makes booleans arrive as SQL_BIT.
inline OdbcConnectionString PgOdbcConnectionString(const std::string& database) {
  OdbcConnectionString cs;
  cs.Add("DRIVER", OdbcDriverPath("psqlodbcw.so", "odbc-postgresql"))
      .Add("SERVER", "127.0.0.1")
      .Add("PORT", std::to_string(SharedPgCluster().port()))
      .Add("DATABASE", database)
      .Add("UID", "tributary")
      .Add("BoolsAsChar", "0");
  return cs;
}

inline std::shared_ptr<OdbcConnection> OpenOdbc(const OdbcConnectionString& cs,
                                                const std::string& where) {
  OdbcConnectOptions options;
  options.connection_string = cs.str();
  options.where = where;
  options.secrets = cs.Secrets();
  options.login_timeout_seconds = 10;
  return OdbcConnection::Open(options);
}

// Every row of `sql` in one batch.
inline Batch ReadAllOdbc(OdbcConnection& conn, const std::string& sql) {
  auto reader = conn.Query(sql);
  Batch batch(reader->schema());
  BatchLimits unlimited{1u << 30, size_t{1} << 40};
  while (reader->Next(batch, unlimited)) {
  }
  return batch;
}

}  // namespace tributary::testing
