#include "source/open_cdc_reader.h"

#include <fmt/format.h>

#include "common/error.h"
#include "source/postgres/pg_cdc_reader.h"
#include "source/sqlserver/sqlserver_cdc_reader.h"

namespace tributary {

std::unique_ptr<CdcReader> OpenCdcReader(const Project& project, const ServerConfig& server,
                                         const Task& task) {
  if (server.kind == "postgresql") {
    PgCdcOptions options;
    options.table = TableRef{task.source_schema, task.source_table};
    std::string name = DefaultPgCdcName(project.name, task.sink_table);
    options.slot = task.options.slot.empty() ? name : task.options.slot;
    options.manage_publication = task.options.publication.empty();
    options.publication = options.manage_publication ? name : task.options.publication;
    return std::make_unique<PgCdcReader>(MakePgConnectInfo(project, server, task.database),
                                         options);
  }
  if (server.kind == "sqlserver") return OpenSqlServerCdcReader(project, server, task);
  throw SourceError(fmt::format(
      "server '{}' is {}: tributary has no change reader for it; cdc reads postgresql and "
      "sqlserver servers",
      server.name, server.kind));
}

}  // namespace tributary
