// Opens a Source for a server kind; the one place that knows every kind.
#pragma once

#include <memory>
#include <string>

#include "config/project.h"
#include "source/source.h"

namespace tributary {

// Connects to `database` on `server`. Throws SourceError naming server and
// database (never a secret) when the kind is unknown or the connection fails.
std::unique_ptr<Source> OpenSource(const Project& project, const ServerConfig& server,
                                   const std::string& database);

}  // namespace tributary
