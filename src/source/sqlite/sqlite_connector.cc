#include "source/sqlite/sqlite_connector.h"

#include "source/sqlite/sqlite_source.h"

namespace tributary {

std::unique_ptr<Source> OpenSqliteSource(const Project& project, const ServerConfig& server,
                                         const std::string& database) {
  return std::make_unique<SqliteSource>(project, server, database);
}

}  // namespace tributary
