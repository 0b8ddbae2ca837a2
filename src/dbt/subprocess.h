// Running an external program (dbt) with its output kept in a log file,
// bounded in time and stoppable. tributary calls dbt as a subprocess rather
// than embedding Python: dbt's own CLI is its stable interface.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace tributary {

struct SubprocessSpec {
  std::vector<std::string> args;              // args[0]: a path, or a name looked up on PATH
  std::filesystem::path cwd;                  // empty: the current directory
  std::vector<std::string> env;               // NAME=value entries added to (or replacing in) ours
  std::filesystem::path log_file;             // stdout and stderr are appended here (created)
  std::chrono::seconds timeout{0};            // 0: none; then SIGTERM, SIGKILL 10 s later
  const std::atomic<bool>* cancel = nullptr;  // set: stopped the same way
};

struct SubprocessResult {
  int exit_code = -1;  // 128 + signal when killed by one
  bool timed_out = false;
  bool cancelled = false;
};

// Starts the program and waits for it; stdin is /dev/null. Throws DbtError
// when it cannot start (not found, not executable, the log not writable).
SubprocessResult RunSubprocess(const SubprocessSpec& spec);

// The absolute path of `program` if it can be executed: a path containing
// '/' is resolved against `base`; a bare name is looked up on PATH.
// Empty when not found.
std::filesystem::path FindExecutable(const std::string& program, const std::filesystem::path& base);

}  // namespace tributary
