// tributary.yml: project name, sink, frequencies, servers, defaults.
#include <fmt/format.h>

#include <cctype>
#include <set>

#include "common/did_you_mean.h"
#include "common/error.h"
#include "config/kinds.h"
#include "config/loader.h"
#include "config/powerbi_file.h"
#include "config/schedule_options.h"
#include "config/secret_settings.h"
#include "config/secrets.h"
#include "config/settings.h"
#include "config/yaml_reader.h"
#include "cron/cron.h"
#include "store/open_store.h"

namespace tributary {
namespace {

constexpr const char* kDefaultDailyCron = "0 0 5 * * ?";

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The `kind` of a sink or server entry (`owner` names it in messages), if it
// names an available kind of config/kinds.h; otherwise reports why and
// returns nullopt. `given` receives the kind as written, known or not.
std::optional<std::string> LoadKind(YamlReader& yaml, const YAML::Node& node,
                                    const std::string& owner, bool server, std::string& given) {
  std::vector<std::string> known = server ? ServerKindNames() : SinkKindNames();
  auto kind = yaml.String(node, "kind");
  if (kind) given = *kind;
  if (!kind) {
    yaml.Error(node, fmt::format("{} is missing the required key 'kind'", owner),
               "one of: " + JoinNames(known));
    return std::nullopt;
  }
  const ServerKind* reserved = server ? FindServerKind(*kind) : nullptr;
  if (reserved && !reserved->available) {
    yaml.Error(node["kind"], fmt::format("{}: kind '{}' is not available", owner, *kind),
               std::string(reserved->unavailable_why));
    return std::nullopt;
  }
  if (!Contains(known, *kind)) {
    yaml.Error(node["kind"],
               fmt::format("unknown {} kind '{}'{}", server ? "server" : "sink", *kind,
                           DidYouMean(*kind, known)),
               fmt::format("supported {} kinds: {}", server ? "server" : "sink", JoinNames(known)));
    return std::nullopt;
  }
  return kind;
}

// Checks the keys of the sink against those of its kind.
void CheckSinkKeys(YamlReader& yaml, const YAML::Node& node, const std::string& kind) {
  auto valid = KeyNames("sink");
  for (const auto& key : KeyNames("sink." + kind)) valid.push_back(key);
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    std::string key = it->first.Scalar();
    if (!seen.insert(key).second) {
      yaml.Error(it->first, fmt::format("'{}' is given twice in the sink", key),
                 "keep one of them");
    } else if (!Contains(valid, key)) {
      yaml.Error(it->first,
                 fmt::format("unknown key '{}' in the sink{}", key, DidYouMean(key, valid)),
                 "valid keys here: " + JoinNames(valid));
    }
  }
  for (const std::string& scope : {std::string("sink"), "sink." + kind}) {
    for (const auto* s : SettingsFor(scope)) {
      if (s->required && !node[s->key]) {
        yaml.Error(node, fmt::format("the sink is missing the required key '{}'", s->key), s->doc);
      }
    }
  }
}

// "s3://" for "s3://bucket/x", "dbfs:" for "dbfs:/x"; "" for a local path. A
// scheme has two or more characters, so "C:/x" stays a path.
std::string UrlScheme(const std::string& path) {
  size_t colon = path.find(':');
  if (colon == std::string::npos || colon < 2 || !std::isalpha(static_cast<unsigned char>(path[0])))
    return "";
  for (size_t i = 0; i < colon; ++i) {
    char c = path[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return "";
  }
  std::string scheme = path.substr(0, colon);
  if (path.compare(colon, 3, "://") == 0) return scheme + "://";
  return scheme == "dbfs" ? "dbfs:" : "";
}

// A delta sink may live on object storage; the other sinks are files or
// servers, where a URL would be taken for a local folder.
void CheckSinkPath(YamlReader& yaml, const YAML::Node& node, const std::string& kind,
                   const std::string& path) {
  if (kind == "delta") {
    ParsedStoreUrl parsed = ParseStoreUrl(path);
    if (!parsed.url) yaml.Error(node["path"], parsed.error);
    return;
  }
  std::string scheme = UrlScheme(path);
  if (scheme.empty()) return;
  yaml.Error(node["path"],
             fmt::format("the {} sink's path uses the scheme '{}': a {} sink is a local file", kind,
                         scheme, kind),
             "write a local path, relative to the project or absolute; for bronze on object "
             "storage use `kind: delta` (docs/object-storage.md)");
}

void LoadSink(YamlReader& yaml, const YAML::Node& root, Project& project) {
  const YAML::Node node = root["sink"];
  SinkConfig& sink = project.sink;
  if (!node.IsMap()) {
    yaml.ErrorAt(yaml.AtValue(root, "sink"),
                 "the sink must be a mapping of keys to values, found " + DescribeNode(node),
                 "e.g. sink: {kind: duckdb, path: lakehouse.duckdb}");
    return;
  }
  sink.where = yaml.At(node);
  auto kind = LoadKind(yaml, node, "the sink", false, sink.kind);
  if (!kind) return;
  CheckSinkKeys(yaml, node, *kind);
  for (auto it = node.begin(); it != node.end(); ++it) {
    std::string key = it->first.Scalar();
    if (key == "kind") continue;
    if (key == "path") {
      if (auto path = yaml.String(node, "path")) {
        sink.path = *path;
        CheckSinkPath(yaml, node, *kind, *path);
      }
    } else if (key == "schema") {
      if (auto schema = yaml.String(node, "schema")) sink.schema = *schema;
    } else if (key == "table_properties") {
      if (auto props = yaml.StringMap(node, "table_properties")) sink.table_properties = *props;
    } else if (it->second.IsScalar()) {
      CheckSecretSetting(yaml, it->second, key, project);
      sink.settings[key] = it->second.Scalar();
    } else {
      yaml.Error(it->second, fmt::format("'{}' must be a single value, found {}", key,
                                         DescribeNode(it->second)));
    }
  }
}

// The expression is parsed in UTC first, so an error of the expression (such
// as a 5-field cron, reported for the whole text) is never blamed on the zone.
void CheckCron(YamlReader& yaml, const YAML::Node& node, const FrequencyConfig& f) {
  try {
    CronSchedule::Parse(f.cron, "UTC");
  } catch (const CronError& e) {
    yaml.ErrorAt(yaml.AtOffset(node["cron"], std::max(e.column(), 1) - 1),
                 fmt::format("invalid cron expression '{}': {}", f.cron, e.what()),
                 "Quartz syntax: sec min hour day-of-month month day-of-week [year], with ? in one "
                 "of the day fields; e.g. \"0 0/15 * * * ?\"");
    return;
  }
  try {
    CronSchedule::Parse(f.cron, f.timezone);
  } catch (const CronError& e) {
    yaml.ErrorAt(yaml.AtValue(node, "timezone"), e.what(),
                 "use an IANA time zone name such as UTC or Europe/Oslo");
  }
}

void LoadFrequencies(YamlReader& yaml, const YAML::Node& node, Project& project) {
  if (!node) return;
  if (!node.IsMap()) {
    yaml.Error(node,
               "'frequencies' must map names to {cron, timezone}, found " + DescribeNode(node));
    return;
  }
  yaml.CheckUniqueKeys(node, "frequency");
  for (auto it = node.begin(); it != node.end(); ++it) {
    FrequencyConfig f;
    f.name = it->first.Scalar();
    if (!yaml.CheckMapping(it->second, "frequency", "", fmt::format("frequency '{}'", f.name)))
      continue;
    f.where = yaml.At(it->first);
    f.timezone = yaml.String(it->second, "timezone").value_or("UTC");
    if (auto cron = yaml.String(it->second, "cron")) {
      f.cron = *cron;
      CheckCron(yaml, it->second, f);
    }
    LoadFrequencyOptions(yaml, it->second, f);
    project.frequencies.push_back(std::move(f));
  }
}

void LoadServer(YamlReader& yaml, const std::string& name, const YAML::Node& node,
                Project& project) {
  ServerConfig server;
  server.name = name;
  if (!node.IsMap()) {
    yaml.Error(node, fmt::format("server '{}' must be a mapping with a 'kind', found {}", name,
                                 DescribeNode(node)));
    return;
  }
  server.where = yaml.At(node);
  auto kind = LoadKind(yaml, node, fmt::format("server '{}'", name), true, server.kind);
  if (!kind) return;
  auto valid = KeyNames("server." + *kind);
  for (const auto& key : KeyNames("server")) valid.push_back(key);
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    std::string key = it->first.Scalar();
    if (!seen.insert(key).second) {
      yaml.Error(it->first, fmt::format("'{}' is given twice in server '{}'", key, name),
                 "keep one of them");
      continue;
    }
    if (key == "kind") continue;
    if (!Contains(valid, key)) {
      yaml.Error(
          it->first,
          fmt::format("unknown key '{}' for a {} server{}", key, *kind, DidYouMean(key, valid)),
          "valid keys: " + JoinNames(valid));
      continue;
    }
    if (!it->second.IsScalar()) {
      yaml.Error(it->second, fmt::format("'{}' must be a single value, found {}", key,
                                         DescribeNode(it->second)));
      continue;
    }
    if (key.rfind("retry_", 0) == 0) {
      bool attempts = key == "retry_attempts";
      if (!yaml.Integer(node, key.c_str(), attempts ? 1 : 0, attempts ? 100 : 3600)) continue;
    } else {
      CheckSecretSetting(yaml, it->second, key, project);
    }
    server.settings[key] = it->second.Scalar();
  }
  for (const auto* s : SettingsFor("server." + *kind)) {
    if (s->required && !node[s->key]) {
      yaml.Error(
          node, fmt::format("{} server '{}' is missing the required key '{}'", *kind, name, s->key),
          s->doc);
    }
  }
  project.servers.push_back(std::move(server));
}

void LoadServers(YamlReader& yaml, const YAML::Node& node, Project& project) {
  if (!node) return;
  if (!node.IsMap()) {
    yaml.Error(node, "'servers' must map names to server settings, found " + DescribeNode(node));
    return;
  }
  yaml.CheckUniqueKeys(node, "server");
  for (auto it = node.begin(); it != node.end(); ++it)
    LoadServer(yaml, it->first.Scalar(), it->second, project);
}

void LoadDefaults(YamlReader& yaml, const YAML::Node& node, Project& project) {
  if (!node || !yaml.CheckMapping(node, "defaults", "", "defaults")) return;
  if (auto threads = yaml.Integer(node, "threads", 1, 256))
    project.defaults.threads = static_cast<int>(*threads);
  if (auto rows = yaml.Integer(node, "batch_rows", 1, 10'000'000)) {
    project.defaults.batch_rows = static_cast<int>(*rows);
  }
  if (auto parallelism = yaml.Integer(node, "parallelism", 1, 64)) {
    project.defaults.parallelism = static_cast<int>(*parallelism);
  }
  if (auto stamp = yaml.Boolean(node, "load_metadata")) project.defaults.load_metadata = *stamp;
}

// The values of `dbt:` that depend on others: the rule, the default
// frequency (declared?), the dbt project folder (there?).
void CheckDbt(YamlReader& yaml, const YAML::Node& node, const Project& project);

// `dbt:` (see docs/dbt.md); after the frequencies, which default_frequency names.
void LoadDbt(YamlReader& yaml, const YAML::Node& node, Project& project) {
  if (!node || !yaml.CheckMapping(node, "dbt", "", "dbt")) return;
  DbtConfig& dbt = project.dbt;
  dbt.enabled = true;
  dbt.where = yaml.At(node);
  for (auto [key, field] : {std::pair{"project_dir", &dbt.project_dir},
                            {"profiles_dir", &dbt.profiles_dir},
                            {"target", &dbt.target},
                            {"executable", &dbt.executable},
                            {"selection", &dbt.selection},
                            {"default_frequency", &dbt.default_frequency}}) {
    if (auto v = yaml.String(node, key)) *field = *v;
  }
  if (auto flags = yaml.StringList(node, "flags")) dbt.flags = *flags;
  if (auto vars = yaml.StringMap(node, "vars")) dbt.vars = *vars;
  if (auto t = yaml.Integer(node, "timeout_minutes", 0, 7 * 24 * 60)) dbt.timeout_minutes = *t;
  if (auto skip = node["skip_unchanged"]) {
    // YAML 1.2 core booleans only, as for `paused`.
    dbt.skip_unchanged = skip.IsScalar() && skip.Scalar() == "true";
    if (!skip.IsScalar() || (skip.Scalar() != "true" && skip.Scalar() != "false")) {
      yaml.Error(skip, "'skip_unchanged' must be true or false, found " + DescribeNode(skip));
    }
  }
  CheckDbt(yaml, node, project);
}

void CheckDbt(YamlReader& yaml, const YAML::Node& node, const Project& project) {
  const DbtConfig& dbt = project.dbt;
  const std::vector<std::string> rules = {"same_or_higher", "yield"};
  if (node["selection"] && !Contains(rules, dbt.selection)) {
    yaml.Error(node["selection"],
               fmt::format("'selection' cannot be '{}'{}", dbt.selection,
                           DidYouMean(dbt.selection, rules)),
               "one of: " + JoinNames(rules));
  }
  std::vector<std::string> names;
  for (const auto& f : project.frequencies) names.push_back(f.name);
  if (!Contains(names, dbt.default_frequency)) {
    yaml.Error(node["default_frequency"] ? node["default_frequency"] : node,
               fmt::format("unknown frequency '{}'{}", dbt.default_frequency,
                           DidYouMean(dbt.default_frequency, names)),
               "frequencies declared in tributary.yml: " + JoinNames(names));
  }
  auto dir = std::filesystem::path(dbt.project_dir);
  if (node["project_dir"] && !std::filesystem::exists(project.dir / dir / "dbt_project.yml")) {
    yaml.Error(node["project_dir"], fmt::format("no dbt_project.yml in '{}'", dbt.project_dir),
               "project_dir is the dbt project's folder, relative to tributary.yml");
  }
}

void AddImplicitDaily(Project& project) {
  if (project.FindFrequency("daily") != nullptr) return;
  // Named members, not a braced temporary: GCC 12 at -O3 reports a false
  // -Wmaybe-uninitialized for the latter.
  FrequencyConfig daily;
  daily.name = "daily";
  daily.cron = kDefaultDailyCron;
  daily.timezone = "UTC";
  daily.where.file = "tributary.yml";
  project.frequencies.push_back(std::move(daily));
}

}  // namespace

void LoadServe(YamlReader& yaml, const YAML::Node& node, Project& project) {
  if (!node || !yaml.CheckMapping(node, "serve", "", "serve")) return;
  if (node["token"] && node["token"].IsScalar()) {
    CheckSecretSetting(yaml, node["token"], "token", project);
  }
  if (auto token = yaml.String(node, "token")) project.serve.token = *token;
}

void LoadProjectFile(const std::filesystem::path& dir, Project& project, Diagnostics& diagnostics,
                     const LoadOptions& options) {
  auto path = dir / "tributary.yml";
  if (!std::filesystem::exists(path)) {
    diagnostics.Error({"tributary.yml", 0, 0}, "no tributary.yml in " + dir.string(),
                      "run tributary in the project folder or pass --project DIR");
    return;
  }
  YamlReader yaml(path, "tributary.yml", diagnostics);
  yaml.set_secrets_must_resolve(options.secrets_must_resolve);
  auto root = yaml.Load();
  if (!root) return;
  if (!yaml.CheckMapping(*root, "project", "", "tributary.yml")) return;
  project.name = yaml.String(*root, "project").value_or("");
  if ((*root)["sink"]) LoadSink(yaml, *root, project);
  LoadFrequencies(yaml, (*root)["frequencies"], project);
  AddImplicitDaily(project);
  LoadServers(yaml, (*root)["servers"], project);
  LoadDefaults(yaml, (*root)["defaults"], project);
  LoadSchedulerConfig(yaml, (*root)["scheduler"], project.scheduler);
  LoadJobsConfig(yaml, (*root)["jobs"], project.jobs);
  LoadDbt(yaml, (*root)["dbt"], project);
  LoadPowerBi(yaml, (*root)["powerbi"], project);
  LoadServe(yaml, (*root)["serve"], project);
}

}  // namespace tributary
