#include "sink/duckdb/duckdb_connector.h"

#include <fmt/format.h>

#include "common/error.h"
#include "sink/duckdb/duckdb_sink.h"
#include "sink/sink_settings.h"

namespace tributary {
namespace {

// sink.lock_wait_seconds: whole seconds, 0 or more.
std::chrono::seconds LockWait(const SinkConfig& sink, std::chrono::seconds fallback) {
  std::string text = SinkSetting(sink, "lock_wait_seconds", "");
  if (text.empty()) return fallback;
  size_t used = 0;
  long long seconds = -1;
  try {
    seconds = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || seconds < 0) {
    throw SinkError(fmt::format(
        "the duckdb sink's lock_wait_seconds '{}' is not a number of seconds (0 or more)", text));
  }
  return std::chrono::seconds(seconds);
}

}  // namespace

std::unique_ptr<Sink> OpenDuckDbSink(const Project& project) {
  const SinkConfig& sink = project.sink;
  if (sink.path.empty()) throw SinkError("the duckdb sink needs a `path` (the database file)");
  DuckDbSinkOptions options;
  options.memory_limit = SinkSetting(sink, "memory_limit", options.memory_limit);
  options.threads = SinkThreads(sink);
  options.lock_wait = LockWait(sink, options.lock_wait);
  return std::make_unique<DuckDbSink>(project.dir / sink.path,
                                      sink.schema.empty() ? "bronze" : sink.schema, options);
}

}  // namespace tributary
