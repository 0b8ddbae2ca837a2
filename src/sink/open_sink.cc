#include "sink/open_sink.h"

#include <fmt/format.h>

#include "common/error.h"
#include "config/secrets.h"
#include "sink/delta/delta_sink.h"
#include "sink/duckdb/duckdb_sink.h"
#include "sink/postgres/postgres_sink.h"

namespace tributary {
namespace {

std::string Setting(const SinkConfig& sink, const std::string& key, const std::string& fallback) {
  auto it = sink.settings.find(key);
  return it == sink.settings.end() ? fallback : it->second;
}

// The sink's `threads`, 0 when not set.
int Threads(const SinkConfig& sink) {
  std::string text = Setting(sink, "threads", "");
  if (text.empty()) return 0;
  size_t used = 0;
  int threads = 0;
  try {
    threads = std::stoi(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || threads < 1) {
    throw SinkError(
        fmt::format("the {} sink's threads '{}' is not a thread count (a whole number, 1 or more)",
                    sink.kind, text));
  }
  return threads;
}

std::unique_ptr<Sink> OpenDelta(const Project& project) {
  const SinkConfig& sink = project.sink;
  if (sink.path.empty()) throw SinkError("the delta sink needs a `path` (the root directory)");
  DeltaSinkOptions options;
  try {
    options.target_file_bytes = std::stoll(Setting(sink, "target_file_mb", "128")) << 20;
  } catch (const std::exception&) {
    throw SinkError("the delta sink's target_file_mb must be a number of megabytes");
  }
  options.memory_limit = Setting(sink, "memory_limit", options.memory_limit);
  options.timestamp_ntz = Setting(sink, "timestamp_ntz", "false") == "true";
  options.threads = Threads(sink);
  options.table_properties = sink.table_properties;
  return std::make_unique<DeltaSink>(project.dir / sink.path, options);
}

// key='value' with quotes and backslashes escaped, per libpq's conninfo rules.
std::string ConninfoPair(const std::string& key, const std::string& value) {
  std::string quoted;
  for (char c : value) {
    if (c == '\\' || c == '\'') quoted += '\\';
    quoted += c;
  }
  return key + "='" + quoted + "' ";
}

std::unique_ptr<Sink> OpenPostgres(const Project& project) {
  const SinkConfig& sink = project.sink;
  std::string host = Setting(sink, "host", "");
  std::string port = Setting(sink, "port", "5432");
  std::string database = Setting(sink, "database", "");
  if (host.empty() || database.empty()) {
    throw SinkError("the postgresql sink needs a `host` and a `database`");
  }
  std::string conninfo;
  // Secrets are resolved only here, when connecting; the conninfo is never shown.
  for (const char* key :
       {"host", "port", "user", "password", "sslmode", "connect_timeout", "application_name"}) {
    auto it = sink.settings.find(key);
    if (it != sink.settings.end()) {
      conninfo += ConninfoPair(key, ResolveSecrets(it->second, project.dir));
    }
  }
  conninfo += ConninfoPair("dbname", ResolveSecrets(database, project.dir));
  if (sink.settings.count("application_name") == 0) {
    conninfo += ConninfoPair("application_name", "tributary");
  }
  std::string where = fmt::format("postgresql sink {}:{}/{}", host, port, database);
  return std::make_unique<PostgresSink>(conninfo, where,
                                        sink.schema.empty() ? "bronze" : sink.schema);
}

}  // namespace

std::unique_ptr<Sink> OpenSink(const Project& project) {
  const SinkConfig& sink = project.sink;
  if (sink.kind == "duckdb") {
    if (sink.path.empty()) throw SinkError("the duckdb sink needs a `path` (the database file)");
    DuckDbSinkOptions options;
    options.memory_limit = Setting(sink, "memory_limit", options.memory_limit);
    options.threads = Threads(sink);
    return std::make_unique<DuckDbSink>(project.dir / sink.path,
                                        sink.schema.empty() ? "bronze" : sink.schema, options);
  }
  if (sink.kind == "delta") return OpenDelta(project);
  if (sink.kind == "postgresql") return OpenPostgres(project);
  throw SinkError(fmt::format("sink kind '{}' is not supported yet", sink.kind));
}

}  // namespace tributary
