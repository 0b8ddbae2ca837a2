#include "sink/duckdb/duckdb_connector.h"

#include "common/error.h"
#include "sink/duckdb/duckdb_sink.h"
#include "sink/sink_settings.h"

namespace tributary {

std::unique_ptr<Sink> OpenDuckDbSink(const Project& project) {
  const SinkConfig& sink = project.sink;
  if (sink.path.empty()) throw SinkError("the duckdb sink needs a `path` (the database file)");
  DuckDbSinkOptions options;
  options.memory_limit = SinkSetting(sink, "memory_limit", options.memory_limit);
  options.threads = SinkThreads(sink);
  return std::make_unique<DuckDbSink>(project.dir / sink.path,
                                      sink.schema.empty() ? "bronze" : sink.schema, options);
}

}  // namespace tributary
