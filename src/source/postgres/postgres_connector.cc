#include "source/postgres/postgres_connector.h"

#include "source/postgres/pg_cdc_reader.h"
#include "source/postgres/pg_connect_info.h"
#include "source/postgres/postgres_source.h"

namespace tributary {

std::unique_ptr<Source> OpenPostgresSource(const Project& project, const ServerConfig& server,
                                           const std::string& database) {
  return std::make_unique<PostgresSource>(MakePgConnectInfo(project, server, database));
}

std::unique_ptr<CdcReader> OpenPostgresCdcReader(const Project& project, const ServerConfig& server,
                                                 const Task& task) {
  PgCdcOptions options;
  options.table = TableRef{task.source_schema, task.source_table};
  options.task = task.sink_table;
  options.name = DefaultPgCdcName(project.name, task.sink_table);
  options.slot = task.options.slot;
  options.manage_publication = task.options.publication.empty();
  options.publication = options.manage_publication ? options.name : task.options.publication;
  return std::make_unique<PgCdcReader>(MakePgConnectInfo(project, server, task.database), options);
}

}  // namespace tributary
