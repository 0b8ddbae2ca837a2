#include "engine/connectors.h"

#include <fmt/format.h>

#include <string_view>

#include "common/did_you_mean.h"
#include "common/error.h"
#include "config/kinds.h"
#include "sink/delta/delta_connector.h"
#include "sink/duckdb/duckdb_connector.h"
#include "sink/duckdb/duckdb_file_wait.h"
#include "sink/postgres/postgres_connector.h"
#include "source/postgres/postgres_connector.h"
#include "source/sqlite/sqlite_connector.h"
#include "source/sqlserver/sqlserver_connector.h"

namespace tributary {
namespace {

using SourceFactory = std::unique_ptr<Source> (*)(const Project&, const ServerConfig&,
                                                  const std::string&);
using CdcFactory = std::unique_ptr<CdcReader> (*)(const Project&, const ServerConfig&, const Task&);
using SinkFactory = std::unique_ptr<Sink> (*)(const Project&);
using StatusHistoryReader = std::vector<TaskHistory> (*)(const Project&, std::string* note,
                                                         bool wait);
using SinkChecker = SinkCheck (*)(const Project&);

struct SourceBinding {
  std::string_view kind;
  SourceFactory open;
  CdcFactory open_cdc;  // nullptr: no change reader
};

struct SinkBinding {
  std::string_view kind;
  SinkFactory open;
  StatusHistoryReader status_history;  // nullptr: the opened sink's RunLog
  SinkChecker check;                   // nullptr: opening it is the check
  SinkFactory open_now;                // nullptr: `open` never waits for another process
};

// One line per connector; config/kinds.cc says what each can do.
constexpr SourceBinding kSources[] = {
    {"sqlite", OpenSqliteSource, nullptr},
    {"postgresql", OpenPostgresSource, OpenPostgresCdcReader},
    {"sqlserver", OpenSqlServerSource, OpenSqlServerCdcReader},
};

constexpr SinkBinding kSinks[] = {
    {"duckdb", OpenDuckDbSink, ReadDuckDbStatusHistory, CheckDuckDbSink, OpenDuckDbSinkNow},
    {"delta", OpenDeltaSink, nullptr, CheckDeltaSink, nullptr},
    {"postgresql", OpenPostgresSink, nullptr, CheckPostgresSink, nullptr},
};

const SourceBinding* FindSource(const ServerConfig& server) {
  for (const SourceBinding& b : kSources) {
    if (b.kind == server.kind) return &b;
  }
  return nullptr;
}

}  // namespace

const Connectors& RealConnectors() {
  static const Connectors connectors{OpenSource, OpenCdcReader};
  return connectors;
}

std::unique_ptr<Source> OpenSource(const Project& project, const ServerConfig& server,
                                   const std::string& database) {
  const SourceBinding* binding = FindSource(server);
  if (binding == nullptr) {
    throw SourceError(
        fmt::format("server '{}' is of kind '{}', which this build cannot read; "
                    "kinds it reads: {}",
                    server.name, server.kind, JoinNames(BoundSourceKinds())));
  }
  return binding->open(project, server, database);
}

std::unique_ptr<CdcReader> OpenCdcReader(const Project& project, const ServerConfig& server,
                                         const Task& task) {
  const SourceBinding* binding = FindSource(server);
  if (binding == nullptr || binding->open_cdc == nullptr) {
    throw SourceError(fmt::format(
        "server '{}' is {}: tributary has no change reader for it; cdc reads {} servers",
        server.name, server.kind, JoinNames(BoundCdcKinds())));
  }
  return binding->open_cdc(project, server, task);
}

std::unique_ptr<Sink> OpenSink(const Project& project) {
  for (const SinkBinding& b : kSinks) {
    if (b.kind == project.sink.kind) return b.open(project);
  }
  throw SinkError(fmt::format("sink kind '{}' is not supported by this build; kinds: {}",
                              project.sink.kind, JoinNames(BoundSinkKinds())));
}

SinkCheck CheckSink(const Project& project) {
  for (const SinkBinding& b : kSinks) {
    if (b.kind == project.sink.kind && b.check != nullptr) return b.check(project);
  }
  auto sink = OpenSink(project);
  return SinkCheck{false, sink->Describe() + " is reachable and its schemas exist"};
}

std::vector<TaskHistory> ReadStatusHistory(const Project& project, std::string* note, bool wait) {
  for (const SinkBinding& b : kSinks) {
    if (b.kind == project.sink.kind && b.status_history != nullptr) {
      try {
        return b.status_history(project, note, wait);
      } catch (const DuckFileBusyError& e) {
        throw SinkBusyError(e.what());
      }
    }
  }
  return OpenSink(project)->run_log().ReadHistory();
}

std::unique_ptr<Sink> OpenSinkForReading(const Project& project) {
  for (const SinkBinding& b : kSinks) {
    if (b.kind != project.sink.kind || b.open_now == nullptr) continue;
    try {
      return b.open_now(project);
    } catch (const DuckFileBusyError& e) {
      throw SinkBusyError(e.what());
    }
  }
  return OpenSink(project);
}

std::vector<std::string> BoundSourceKinds() {
  std::vector<std::string> kinds;
  for (const SourceBinding& b : kSources) kinds.emplace_back(b.kind);
  return kinds;
}

std::vector<std::string> BoundCdcKinds() {
  std::vector<std::string> kinds;
  for (const SourceBinding& b : kSources) {
    if (b.open_cdc != nullptr) kinds.emplace_back(b.kind);
  }
  return kinds;
}

std::vector<std::string> BoundSinkKinds() {
  std::vector<std::string> kinds;
  for (const SinkBinding& b : kSinks) kinds.emplace_back(b.kind);
  return kinds;
}

}  // namespace tributary
