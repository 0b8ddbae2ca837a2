// Runs the tributary binary (or any command) for end-to-end tests.
#pragma once

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

// Runs the tributary binary built with the tests.
ProcessResult RunTributary(const std::vector<std::string>& args,
                           const std::vector<std::string>& env = {});

}  // namespace tributary::testing
