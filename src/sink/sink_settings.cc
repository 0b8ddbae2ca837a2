#include "sink/sink_settings.h"

#include <fmt/format.h>

#include "common/error.h"
#include "config/secrets.h"

namespace tributary {

std::string SinkSetting(const SinkConfig& sink, const std::string& key,
                        const std::string& fallback) {
  auto it = sink.settings.find(key);
  return it == sink.settings.end() ? fallback : it->second;
}

std::string ResolvedSinkSetting(const Project& project, const std::string& key) {
  auto it = project.sink.settings.find(key);
  return it == project.sink.settings.end() ? "" : ResolveSecrets(it->second, project.dir);
}

int SinkThreads(const SinkConfig& sink) {
  std::string text = SinkSetting(sink, "threads", "");
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

}  // namespace tributary
