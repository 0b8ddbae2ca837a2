#include "source/open_source.h"

#include <fmt/format.h>

#include "common/error.h"
#include "source/postgres/postgres_source.h"
#include "source/sqlite/sqlite_source.h"
#include "source/sqlserver/sqlserver_source.h"

namespace tributary {

std::unique_ptr<Source> OpenSource(const Project& project, const ServerConfig& server,
                                   const std::string& database) {
  if (server.kind == "sqlite") return std::make_unique<SqliteSource>(project, server, database);
  if (server.kind == "sqlserver")
    return std::make_unique<SqlServerSource>(project, server, database);
  if (server.kind == "postgresql") {
    return std::make_unique<PostgresSource>(MakePgConnectInfo(project, server, database));
  }
  if (server.kind == "duckdb") {
    throw SourceError(
        fmt::format("server kind '{}' is not supported yet by this build (server '{}')",
                    server.kind, server.name));
  }
  throw SourceError(
      fmt::format("unknown server kind '{}' (server '{}'); expected sqlite, "
                  "postgresql, sqlserver or duckdb",
                  server.kind, server.name));
}

}  // namespace tributary
