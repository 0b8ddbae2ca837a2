#include "dbt/dbt_cli.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

#include "common/files.h"
#include "config/kinds.h"
#include "dbt/dbt_error.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;

fs::path Under(const fs::path& base, const std::string& path) {
  return (fs::path(path).is_absolute() ? fs::path(path) : base / path).lexically_normal();
}

// Variables dbt's profiles can read with env_var(): where bronze is.
std::vector<std::string> Environment(const Project& project) {
  std::vector<std::string> env = {"TRIBUTARY_PROJECT_DIR=" + project.dir.string(),
                                  "TRIBUTARY_BRONZE_SCHEMA=" + project.sink.schema};
  const SinkKind* kind = FindSinkKind(project.sink.kind);
  if (kind != nullptr && kind->single_file) {
    env.push_back("TRIBUTARY_BRONZE_PATH=" + Under(project.dir, project.sink.path).string());
  }
  if (kind != nullptr && kind->libpq_settings) {
    // Where bronze is, never a secret: values written as references are left out.
    for (const char* key : {"host", "port", "database", "user"}) {
      auto it = project.sink.settings.find(key);
      if (it == project.sink.settings.end() || it->second.find("${") != std::string::npos) continue;
      std::string name = key;
      std::transform(name.begin(), name.end(), name.begin(), ::toupper);
      env.push_back("TRIBUTARY_PG_" + name + "=" + it->second);
    }
  }
  // dbt would otherwise try to send usage events on every invocation.
  if (std::getenv("DBT_SEND_ANONYMOUS_USAGE_STATS") == nullptr) {
    env.push_back("DBT_SEND_ANONYMOUS_USAGE_STATS=false");
  }
  return env;
}

std::string VarsJson(const std::map<std::string, std::string>& vars) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : vars) j[k] = v;
  return j.dump();
}

}  // namespace

DbtPaths ResolveDbtPaths(const Project& project) {
  const DbtConfig& dbt = project.dbt;
  DbtPaths p;
  p.project_dir = Under(project.dir, dbt.project_dir);  // lexically normal
  p.profiles_dir = dbt.profiles_dir.empty() ? p.project_dir : Under(project.dir, dbt.profiles_dir);
  p.executable = FindExecutable(dbt.executable, project.dir);
  p.work_dir = (project.dir / ".tributary" / "dbt").lexically_normal();
  p.target_dir = p.work_dir / "target";
  p.log_dir = p.work_dir / "logs";
  p.lock_file = p.work_dir / "dbt.lock";
  return p;
}

DbtCli::DbtCli(const Project& project) : project_(project), paths_(ResolveDbtPaths(project)) {}

std::vector<std::string> DbtCli::CommandLine(const std::string& command,
                                             const std::vector<std::string>& select) const {
  const DbtConfig& dbt = project_.dbt;
  std::vector<std::string> args = {
      paths_.executable.empty() ? dbt.executable : paths_.executable.string(), command};
  if (!select.empty()) {
    args.push_back("--select");
    args.insert(args.end(), select.begin(), select.end());
  }
  for (const auto& a :
       {std::string("--project-dir"), paths_.project_dir.string(), std::string("--profiles-dir"),
        paths_.profiles_dir.string(), std::string("--target-path"), paths_.target_dir.string(),
        std::string("--log-path"), paths_.log_dir.string(), std::string("--no-use-colors")}) {
    args.push_back(a);
  }
  if (!dbt.target.empty()) args.insert(args.end(), {"--target", dbt.target});
  if (!dbt.vars.empty()) args.insert(args.end(), {"--vars", VarsJson(dbt.vars)});
  args.insert(args.end(), dbt.flags.begin(), dbt.flags.end());
  return args;
}

DbtInvocation DbtCli::Run(const std::string& command, const std::vector<std::string>& select,
                          const std::string& log_name, const std::atomic<bool>* cancel) const {
  if (paths_.executable.empty()) {
    throw DbtError(
        fmt::format("cannot find the dbt executable '{}' (dbt.executable in tributary.yml)",
                    project_.dbt.executable));
  }
  DbtInvocation inv;
  inv.args = CommandLine(command, select);
  inv.log_file = paths_.log_dir / (log_name + ".log");
  SubprocessSpec spec;
  spec.args = inv.args;
  spec.cwd = paths_.project_dir;
  spec.env = Environment(project_);
  spec.log_file = inv.log_file;
  spec.timeout = std::chrono::minutes(project_.dbt.timeout_minutes);
  spec.cancel = cancel;
  std::error_code ec;
  fs::create_directories(paths_.log_dir, ec);
  {
    std::ofstream log(inv.log_file, std::ios::app);
    log << "$";
    for (const auto& a : inv.args) log << " " << a;
    log << "\n";
  }
  inv.result = RunSubprocess(spec);
  return inv;
}

std::string DbtCli::ProjectStamp() const {
  std::vector<std::string> entries;
  for (const auto& arg : CommandLine("parse")) entries.push_back(arg);
  std::vector<fs::path> roots = {paths_.project_dir};
  if (paths_.profiles_dir != paths_.project_dir) roots.push_back(paths_.profiles_dir);
  for (const fs::path& root : roots) {
    std::error_code ec;
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      std::string name = it->path().filename().string();
      if (it->is_directory(ec) && (name == "target" || name == "logs" || name.rfind('.', 0) == 0)) {
        it.disable_recursion_pending();
        continue;
      }
      if (!it->is_regular_file(ec)) continue;
      auto size = it->file_size(ec);
      auto mtime = it->last_write_time(ec).time_since_epoch().count();
      entries.push_back(fmt::format("{} {} {}", it->path().string(), size, mtime));
    }
  }
  std::sort(entries.begin(), entries.end());
  std::string out;
  for (const auto& e : entries) out += e + "\n";
  return out;
}

Manifest DbtCli::Parse(const std::string& log_name, const std::atomic<bool>* cancel) const {
  const fs::path stamp_file = paths_.work_dir / "parse_stamp.txt";
  const fs::path manifest = paths_.target_dir / "manifest.json";
  std::string stamp = ProjectStamp();
  std::optional<std::string> last;
  try {
    last = ReadWholeFile(stamp_file);
  } catch (const Error&) {
  }
  if (last && *last == stamp && fs::exists(manifest)) {
    std::error_code ec;
    fs::create_directories(paths_.log_dir, ec);
    std::ofstream(paths_.log_dir / (log_name + ".log"), std::ios::app)
        << "tributary: dbt parse not run: the project is unchanged since the last parse; read "
        << manifest.string() << "\n";
    return LoadManifest(manifest);
  }
  std::error_code removed;
  fs::remove(stamp_file, removed);  // a parse that fails leaves no stamp behind
  DbtInvocation inv = Run("parse", {}, log_name, cancel);
  if (inv.result.exit_code != 0) {
    throw DbtError(fmt::format("dbt parse of {} failed (exit status {}{}):\n{}\nfull output: {}",
                               paths_.project_dir.string(), inv.result.exit_code,
                               inv.result.timed_out ? ", timed out" : "", LogTail(inv.log_file, 15),
                               inv.log_file.string()));
  }
  Manifest parsed = LoadManifest(manifest);
  try {
    ReplaceFileAtomically(stamp_file, stamp);
  } catch (const Error&) {
    // Without a stamp the next run parses again: slower, never wrong.
  }
  return parsed;
}

std::string LogTail(const fs::path& log_file, int lines) {
  std::ifstream in(log_file);
  std::deque<std::string> tail;
  for (std::string line; std::getline(in, line);) {
    tail.push_back(line);
    if (static_cast<int>(tail.size()) > lines) tail.pop_front();
  }
  std::string out;
  for (const auto& line : tail) out += (out.empty() ? "" : "\n") + line;
  return out;
}

}  // namespace tributary
