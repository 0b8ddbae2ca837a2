// Runs the tributary binary (or any command) for end-to-end tests.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace tributary::testing {

struct ProcessResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `args` (args[0] is the program) with `env` entries (NAME=value) added
// to the environment, stdin closed. Blocks until it exits.
ProcessResult RunProcess(const std::vector<std::string>& args,
                         const std::vector<std::string>& env = {});

// Runs `args` like RunProcess, but sends SIGKILL if it is still running after
// `kill_after` (exit_code is then 128 + 9), as a crash or `kill -9` would.
ProcessResult RunProcessKilledAfter(const std::vector<std::string>& args,
                                    std::chrono::microseconds kill_after,
                                    const std::vector<std::string>& env = {});

// Runs the tributary binary built with the tests.
ProcessResult RunTributary(const std::vector<std::string>& args,
                           const std::vector<std::string>& env = {});

}  // namespace tributary::testing
