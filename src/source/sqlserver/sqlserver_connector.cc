#include "source/sqlserver/sqlserver_connector.h"

#include "source/sqlserver/sqlserver_source.h"

namespace tributary {

std::unique_ptr<Source> OpenSqlServerSource(const Project& project, const ServerConfig& server,
                                            const std::string& database) {
  return std::make_unique<SqlServerSource>(project, server, database);
}

}  // namespace tributary
