// A long-running process for tests (an emulator): started with extra
// environment entries, its output in a log file, stopped with SIGTERM (then
// SIGKILL) on destruction.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace tributary::testing {

class BackgroundProcess {
 public:
  // Throws std::runtime_error when the program cannot be started.
  BackgroundProcess(const std::vector<std::string>& args, const std::vector<std::string>& env,
                    const std::filesystem::path& log);
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  bool Running();
  // The last `bytes` of the log, for failure messages.
  std::string LogTail(size_t bytes = 2000) const;

 private:
  pid_t pid_ = -1;
  std::filesystem::path log_;
};

// Whether something accepts TCP connections on 127.0.0.1:`port`.
bool PortAnswers(int port);

}  // namespace tributary::testing
