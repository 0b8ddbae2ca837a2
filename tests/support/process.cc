#include "support/process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace tributary::testing {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Waits for `pid` to end; sends it SIGKILL first once `kill_after` has passed.
int Wait(pid_t pid, std::optional<std::chrono::microseconds> kill_after) {
  int status = 0;
  if (!kill_after) {
    waitpid(pid, &status, 0);
  } else {
    auto deadline = std::chrono::steady_clock::now() + *kill_after;
    while (waitpid(pid, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() >= deadline) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

ProcessResult Spawn(const std::vector<std::string>& args, const std::vector<std::string>& env,
                    std::optional<std::chrono::microseconds> kill_after) {
  char out_path[] = "/tmp/tributary-test-outXXXXXX";
  char err_path[] = "/tmp/tributary-test-errXXXXXX";
  int out_fd = mkstemp(out_path);
  int err_fd = mkstemp(err_path);
  if (out_fd < 0 || err_fd < 0) throw std::runtime_error("mkstemp failed");

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
  posix_spawn_file_actions_adddup2(&actions, err_fd, 2);

  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
  env_strings.insert(env_strings.end(), env.begin(), env.end());
  std::vector<char*> envp, argv;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> arg_copy = args;
  for (auto& a : arg_copy) argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_t pid = 0;
  int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(out_fd);
  close(err_fd);
  ProcessResult result;
  if (rc == 0) result.exit_code = Wait(pid, kill_after);
  result.out = Slurp(out_path);
  result.err = Slurp(err_path);
  unlink(out_path);
  unlink(err_path);
  return result;
}

}  // namespace

ProcessResult RunProcess(const std::vector<std::string>& args,
                         const std::vector<std::string>& env) {
  return Spawn(args, env, std::nullopt);
}

ProcessResult RunProcessKilledAfter(const std::vector<std::string>& args,
                                    std::chrono::microseconds kill_after,
                                    const std::vector<std::string>& env) {
  return Spawn(args, env, kill_after);
}

ProcessResult RunTributary(const std::vector<std::string>& args,
                           const std::vector<std::string>& env) {
  std::vector<std::string> full = {TRIBUTARY_BINARY};
  full.insert(full.end(), args.begin(), args.end());
  return RunProcess(full, env);
}

}  // namespace tributary::testing
