// The postgresql server kind as engine/connectors.cc binds it.
#pragma once

#include <memory>
#include <string>

#include "config/project.h"
#include "source/cdc_reader.h"
#include "source/source.h"

namespace tributary {

// Connects to `database`. Throws SourceError naming server and database.
std::unique_ptr<Source> OpenPostgresSource(const Project& project, const ServerConfig& server,
                                           const std::string& database);

// The change reader of a cdc task: its slot and publication are the task's
// own or, by default, tributary_<project>_<sink table>. Throws SourceError.
std::unique_ptr<CdcReader> OpenPostgresCdcReader(const Project& project, const ServerConfig& server,
                                                 const Task& task);

}  // namespace tributary
