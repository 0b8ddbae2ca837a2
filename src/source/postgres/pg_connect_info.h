// A postgresql server's settings in tributary.yml, turned into what the libpq
// client needs to connect.
#pragma once

#include <string>

#include "clients/postgres/pg_connection.h"
#include "config/project.h"

namespace tributary {

// Reads the server's settings (defaults from config/settings.cc) and
// resolves secret references. Throws ConfigError for an unresolvable one.
PgConnectInfo MakePgConnectInfo(const Project& project, const ServerConfig& server,
                                const std::string& database);

}  // namespace tributary
