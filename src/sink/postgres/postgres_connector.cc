#include "sink/postgres/postgres_connector.h"

#include "common/error.h"
#include "config/secrets.h"
#include "sink/postgres/postgres_sink.h"
#include "sink/sink_settings.h"

namespace tributary {
namespace {

// The setting `key`, secrets resolved; empty when not set.
std::string Resolved(const Project& project, const std::string& key) {
  auto it = project.sink.settings.find(key);
  return it == project.sink.settings.end() ? "" : ResolveSecrets(it->second, project.dir);
}

}  // namespace

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
  info.host = Resolved(project, "host");
  info.port = SinkSetting(sink, "port", "5432");
  info.user = Resolved(project, "user");
  info.password = Resolved(project, "password");
  info.sslmode = Resolved(project, "sslmode");
  info.connect_timeout = Resolved(project, "connect_timeout");
  info.application_name = SinkSetting(sink, "application_name", "tributary");
  info.database = ResolveSecrets(database, project.dir);
  return std::make_unique<PostgresSink>(std::move(info),
                                        sink.schema.empty() ? "bronze" : sink.schema);
}

}  // namespace tributary
