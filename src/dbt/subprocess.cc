#include "dbt/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <map>
#include <optional>
#include <thread>

#include "dbt/dbt_error.h"

extern char** environ;

namespace tributary {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::vector<std::string> MergedEnvironment(const std::vector<std::string>& extra) {
  std::map<std::string, std::string> vars;
  auto put = [&](const std::string& entry) {
    auto eq = entry.find('=');
    if (eq != std::string::npos) vars[entry.substr(0, eq)] = entry;
  };
  for (char** e = environ; *e != nullptr; ++e) put(*e);
  for (const auto& entry : extra) put(entry);
  std::vector<std::string> out;
  for (auto& [name, entry] : vars) out.push_back(std::move(entry));
  return out;
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Actions for the child: stdin from /dev/null, stdout/stderr to the log.
void PrepareActions(posix_spawn_file_actions_t& actions, const SubprocessSpec& spec, int log_fd) {
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, log_fd, 1);
  posix_spawn_file_actions_adddup2(&actions, log_fd, 2);
  if (!spec.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, spec.cwd.c_str());
}

pid_t Spawn(const SubprocessSpec& spec, const fs::path& program) {
  fs::create_directories(spec.log_file.parent_path());
  int log_fd = open(spec.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    throw DbtError("cannot write the log file " + spec.log_file.string() + ": " +
                   std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  PrepareActions(actions, spec, log_fd);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setpgroup(&attr, 0);  // its own group, so a stop reaches dbt's children too
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  std::vector<std::string> args = spec.args;
  args[0] = program.string();
  auto env = MergedEnvironment(spec.env);
  auto argv = Pointers(args);
  auto envp = Pointers(env);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(log_fd);
  if (rc != 0) throw DbtError("cannot start " + program.string() + ": " + std::strerror(rc));
  return pid;
}

int ExitCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

fs::path FindExecutable(const std::string& program, const fs::path& base) {
  auto runnable = [](const fs::path& p) {
    return access(p.c_str(), X_OK) == 0 && !fs::is_directory(p);
  };
  if (program.find('/') != std::string::npos) {
    fs::path p = fs::path(program).is_absolute() ? fs::path(program) : base / program;
    return runnable(p) ? p.lexically_normal() : fs::path();
  }
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  for (size_t start = 0; start <= dirs.size();) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    fs::path candidate = fs::path(dirs.substr(start, end - start)) / program;
    if (end > start && runnable(candidate)) return candidate;
    start = end + 1;
  }
  return {};
}

SubprocessResult RunSubprocess(const SubprocessSpec& spec) {
  fs::path program = FindExecutable(spec.args.at(0), fs::current_path());
  if (program.empty()) throw DbtError("cannot find the executable '" + spec.args[0] + "'");
  pid_t pid = Spawn(spec, program);
  SubprocessResult result;
  auto started = Clock::now();
  std::optional<Clock::time_point> term_sent;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    bool late = spec.timeout.count() > 0 && Clock::now() - started > spec.timeout;
    bool stop = spec.cancel != nullptr && spec.cancel->load();
    if ((late || stop) && !term_sent) {
      result.timed_out = late;
      result.cancelled = stop && !late;
      kill(-pid, SIGTERM);
      term_sent = Clock::now();
    } else if (term_sent && Clock::now() - *term_sent > std::chrono::seconds(10)) {
      kill(-pid, SIGKILL);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  result.exit_code = ExitCode(status);
  return result;
}

}  // namespace tributary
