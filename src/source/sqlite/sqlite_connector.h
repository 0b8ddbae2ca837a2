// The sqlite server kind as engine/connectors.cc binds it.
#pragma once

#include <memory>
#include <string>

#include "config/project.h"
#include "source/source.h"

namespace tributary {

// Opens `database` (a file in the server's directory). Throws SourceError.
std::unique_ptr<Source> OpenSqliteSource(const Project& project, const ServerConfig& server,
                                         const std::string& database);

}  // namespace tributary
