#include "sink/delta/delta_connector.h"

#include "common/error.h"
#include "sink/delta/delta_sink.h"
#include "sink/sink_settings.h"

namespace tributary {

std::unique_ptr<Sink> OpenDeltaSink(const Project& project) {
  const SinkConfig& sink = project.sink;
  if (sink.path.empty()) throw SinkError("the delta sink needs a `path` (the root directory)");
  DeltaSinkOptions options;
  try {
    options.target_file_bytes = std::stoll(SinkSetting(sink, "target_file_mb", "128")) << 20;
  } catch (const std::exception&) {
    throw SinkError("the delta sink's target_file_mb must be a number of megabytes");
  }
  options.memory_limit = SinkSetting(sink, "memory_limit", options.memory_limit);
  options.timestamp_ntz = SinkSetting(sink, "timestamp_ntz", "false") == "true";
  options.threads = SinkThreads(sink);
  options.table_properties = sink.table_properties;
  return std::make_unique<DeltaSink>(project.dir / sink.path, options);
}

}  // namespace tributary
