// The sqlserver server kind as engine/connectors.cc binds it.
#pragma once

#include <memory>
#include <string>

#include "config/project.h"
#include "source/cdc_reader.h"
#include "source/source.h"

namespace tributary {

// Connects to `database` over ODBC. Throws SourceError naming server and
// database.
std::unique_ptr<Source> OpenSqlServerSource(const Project& project, const ServerConfig& server,
                                            const std::string& database);

// Connects to the task's database and opens its CDC reader (defined in
// sqlserver_cdc_reader.cc). Throws SourceError.
std::unique_ptr<CdcReader> OpenSqlServerCdcReader(const Project& project,
                                                  const ServerConfig& server, const Task& task);

}  // namespace tributary
