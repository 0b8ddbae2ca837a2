#include "sink/open_sink.h"

#include <fmt/format.h>

#include "common/error.h"
#include "sink/duckdb_sink.h"

namespace tributary {

std::unique_ptr<Sink> OpenSink(const Project& project) {
  const SinkConfig& sink = project.sink;
  if (sink.kind == "duckdb") {
    if (sink.path.empty()) throw SinkError("the duckdb sink needs a `path` (the database file)");
    return std::make_unique<DuckDbSink>(project.dir / sink.path,
                                        sink.schema.empty() ? "bronze" : sink.schema);
  }
  throw SinkError(fmt::format("sink kind '{}' is not supported yet", sink.kind));
}

}  // namespace tributary
