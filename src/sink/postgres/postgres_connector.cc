#include "sink/postgres/postgres_connector.h"

#include "common/error.h"
#include "config/secrets.h"
#include "sink/postgres/postgres_sink.h"
#include "sink/sink_settings.h"

namespace tributary {

std::unique_ptr<Sink> OpenPostgresSink(const Project& project) {
  const SinkConfig& sink = project.sink;
  std::string host = SinkSetting(sink, "host", "");
  std::string port = SinkSetting(sink, "port", "5432");
  std::string database = SinkSetting(sink, "database", "");
  if (host.empty() || database.empty()) {
    throw SinkError("the postgresql sink needs a `host` and a `database`");
  }
  // Secrets are resolved only here, when connecting; they are never shown.
  PgConnectInfo info;
  info.side = PgSide::kSink;
  info.host = ResolvedSinkSetting(project, "host");
  info.port = SinkSetting(sink, "port", "5432");
  info.user = ResolvedSinkSetting(project, "user");
  info.password = ResolvedSinkSetting(project, "password");
  info.sslmode = ResolvedSinkSetting(project, "sslmode");
  info.connect_timeout = ResolvedSinkSetting(project, "connect_timeout");
  info.application_name = SinkSetting(sink, "application_name", "tributary");
  info.database = ResolveSecrets(database, project.dir);
  return std::make_unique<PostgresSink>(std::move(info),
                                        sink.schema.empty() ? "bronze" : sink.schema);
}

}  // namespace tributary
