#include "sink/duckdb/duckdb_connector.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "common/error.h"
#include "sink/duckdb/duckdb_file_wait.h"
#include "sink/duckdb/duckdb_sink.h"
#include "sink/duckdb/history_snapshot.h"
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

DuckDbSinkOptions Options(const SinkConfig& sink) {
  if (sink.path.empty()) throw SinkError("the duckdb sink needs a `path` (the database file)");
  DuckDbSinkOptions options;
  options.memory_limit = SinkSetting(sink, "memory_limit", options.memory_limit);
  options.threads = SinkThreads(sink);
  options.lock_wait = LockWait(sink, options.lock_wait);
  return options;
}

}  // namespace

std::unique_ptr<Sink> OpenDuckDbSink(const Project& project) {
  const SinkConfig& sink = project.sink;
  return std::make_unique<DuckDbSink>(project.dir / sink.path,
                                      sink.schema.empty() ? "bronze" : sink.schema, Options(sink));
}

SinkCheck CheckDuckDbSink(const Project& project) {
  const SinkConfig& sink = project.sink;
  try {
    OpenDuckDbSinkNow(project);
    return SinkCheck{false, fmt::format("duckdb file {} opens for writing", sink.path)};
  } catch (const DuckFileBusyError& e) {
    return SinkCheck{true, fmt::format("duckdb file {} is in use by {}: runs wait for it up to "
                                       "lock_wait_seconds ({} s)",
                                       sink.path, e.holder(), Options(sink).lock_wait.count())};
  }
}

std::unique_ptr<Sink> OpenDuckDbSinkNow(const Project& project) {
  const SinkConfig& sink = project.sink;
  DuckDbSinkOptions now = Options(sink);
  now.lock_wait = std::chrono::seconds(0);
  return std::make_unique<DuckDbSink>(project.dir / sink.path,
                                      sink.schema.empty() ? "bronze" : sink.schema, now);
}

std::vector<TaskHistory> ReadDuckDbStatusHistory(const Project& project, std::string* note,
                                                 bool wait) {
  std::filesystem::path file = project.dir / project.sink.path;
  try {
    return OpenDuckDbSinkNow(project)->run_log().ReadHistory();
  } catch (const DuckFileBusyError& e) {
    auto snapshot = ReadHistorySnapshot(file);
    if (!snapshot && !wait) throw;
    if (!snapshot) return OpenDuckDbSink(project)->run_log().ReadHistory();
    if (note != nullptr) {
      *note = fmt::format(
          "the sink file is in use by {} (a run, dbt or a SQL client); showing the run history "
          "as of {:%Y-%m-%d %H:%M:%S}Z, the last record written beside it ({}): tables being "
          "loaded show their previous load",
          e.holder(), std::chrono::floor<std::chrono::seconds>(snapshot->written_at),
          HistorySnapshotPath(file).string());
    }
    return snapshot->history;
  }
}

}  // namespace tributary
