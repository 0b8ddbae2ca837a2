#include "sink/duckdb/duckdb_file_wait.h"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "common/error.h"
#include "common/log.h"

namespace tributary {

bool IsDuckFileBusy(const std::string& message) {
  return message.find("Could not set lock on file") != std::string::npos;
}

std::string DuckFileHolder(const std::string& message) {
  const std::string in = "Conflicting lock is held in ";
  size_t at = message.find(in);
  size_t pid = message.find(" (PID ", at);
  size_t end = message.find(')', pid);
  if (at == std::string::npos || pid == std::string::npos || end == std::string::npos) {
    return "another process";
  }
  std::string program = message.substr(at + in.size(), pid - at - in.size());
  return message.substr(pid + 2, end - pid - 2) + " (" + program + ")";
}

DuckDatabase OpenDuckFileWaiting(const std::filesystem::path& file, std::chrono::seconds limit,
                                 const std::function<DuckDatabase()>& open) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  auto next_log = start;
  auto pause = std::chrono::milliseconds(50);
  for (;;) {
    try {
      return open();
    } catch (const SinkError& e) {
      if (!IsDuckFileBusy(e.what())) throw;
      auto waited = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - start);
      std::string holder = DuckFileHolder(e.what());
      if (waited >= limit) {
        throw DuckFileBusyError(
            fmt::format(
                "the duckdb sink file '{}' is in use by {}; gave up after {} s (sink setting "
                "lock_wait_seconds). DuckDB lets one process open a file at a time: another "
                "tributary "
                "run, dbt or a SQL client has it open",
                file.string(), holder, waited.count()),
            holder);
      }
      if (Clock::now() >= next_log) {
        Log(LogLevel::kInfo,
            waited.count() == 0 ? "waiting for the sink file: another process has it open"
                                : "still waiting for the sink file",
            {{"file", file.string()},
             {"held_by", holder},
             {"waited_s", waited.count()},
             {"limit_s", limit.count()}});
        next_log = Clock::now() + std::chrono::minutes(1);
      }
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(2000));
    }
  }
}

}  // namespace tributary
