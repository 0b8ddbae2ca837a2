#include "sink/postgres/postgres_connector.h"

#include <fmt/format.h>

#include "common/error.h"
#include "config/secrets.h"
#include "sink/postgres/postgres_sink.h"
#include "sink/sink_settings.h"

namespace tributary {

namespace {

PgConnectInfo SinkConnectInfo(const Project& project) {
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
  return info;
}

std::string SchemaOf(const SinkConfig& sink) {
  return sink.schema.empty() ? "bronze" : sink.schema;
}

}  // namespace

std::unique_ptr<Sink> OpenPostgresSink(const Project& project) {
  return std::make_unique<PostgresSink>(SinkConnectInfo(project), SchemaOf(project.sink));
}

SinkCheck CheckPostgresSink(const Project& project) {
  PgConnectInfo info = SinkConnectInfo(project);
  std::string schema = SchemaOf(project.sink);
  PgConnection conn(info);
  auto value = [&](const std::string& sql, const PgParams& params) {
    PgResult r = conn.Exec(sql, params, "cannot read this user's rights");
    return PQntuples(r.get()) == 0 ? std::string() : std::string(PQgetvalue(r.get(), 0, 0));
  };
  std::string user = value("SELECT current_user", {});
  std::string database = value("SELECT pg_catalog.current_database()", {});
  bool create_schemas =
      value("SELECT pg_catalog.has_database_privilege(pg_catalog.current_database(), 'CREATE')",
            {}) == "t";
  for (const std::string& name : {schema, std::string("_tributary")}) {
    std::string may = value(
        "SELECT pg_catalog.has_schema_privilege(oid, 'CREATE') FROM pg_catalog.pg_namespace "
        "WHERE nspname = $1",
        {name});
    if (may.empty() && !create_schemas) {
      throw SinkError(fmt::format(
          "{}: schema {} does not exist and user {} cannot create it; create it, or run GRANT "
          "CREATE ON DATABASE {} TO {}",
          info.Describe(), name, user, PgQuote(database), PgQuote(user)));
    }
    if (may == "f") {
      throw SinkError(fmt::format(
          "{}: user {} cannot create tables in schema {}; run GRANT CREATE ON SCHEMA {} TO {}",
          info.Describe(), user, name, PgQuote(name), PgQuote(user)));
    }
  }
  PostgresSink opened(info, schema);  // creates what is missing, as a run would
  return SinkCheck{false, fmt::format("{}: user {} may create tables in schema {}", info.Describe(),
                                      user, schema)};
}

}  // namespace tributary
