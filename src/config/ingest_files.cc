// ingest/<strategy>/…/<database>.yml: the tables to load, how and how often.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "common/did_you_mean.h"
#include "config/kinds.h"
#include "config/loader.h"
#include "config/lookback.h"
#include "config/settings.h"
#include "config/yaml_reader.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;

// Where each (strategy, server, database, schema, table) was first listed.
using SeenTables = std::map<std::string, SourceLocation>;

std::vector<std::string> FrequencyNames(const Project& project) {
  std::vector<std::string> names;
  for (const auto& f : project.frequencies) names.push_back(f.name);
  return names;
}

std::vector<std::string> ServerNames(const Project& project) {
  std::vector<std::string> names;
  for (const auto& s : project.servers) names.push_back(s.name);
  return names;
}

bool IsIdentifier(const std::string& name) {
  if (name.empty() || name.size() > 128) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

struct FileContext {
  YamlReader& yaml;
  Project& project;
  SeenTables& seen;
  std::string strategy;
  std::string server;
  std::string database;
};

void LoadIncrementalOptions(FileContext& ctx, const YAML::Node& node, Task& task) {
  if (auto column = ctx.yaml.String(node, "watermark_column"))
    task.options.watermark_column = *column;
  if (auto key = ctx.yaml.StringList(node, "primary_key")) {
    task.options.primary_key = *key;
    if (key->empty()) {
      ctx.yaml.Error(node["primary_key"], "'primary_key' lists no column",
                     "name the key columns, or remove primary_key to append");
    }
  }
  if (auto lookback = ctx.yaml.String(node, "lookback")) {
    task.options.lookback = *lookback;
    if (!ParseLookback(*lookback)) {
      ctx.yaml.Error(node["lookback"],
                     fmt::format("lookback '{}' is not a duration or a number", *lookback),
                     "write e.g. 30s, 15m, 2h or 1d for time columns, or 100 for a key column");
    }
  }
}

bool IsSlotName(const std::string& name) {
  return !name.empty() && name.size() <= 63 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

void LoadCdcOptions(FileContext& ctx, const YAML::Node& node, Task& task) {
  if (auto current = ctx.yaml.String(node, "current")) {
    if (*current != "true" && *current != "false") {
      ctx.yaml.Error(node["current"],
                     fmt::format("current must be true or false, not '{}'", *current));
    }
    task.options.current = *current == "true";
  }
  if (auto slot = ctx.yaml.String(node, "slot")) {
    task.options.slot = *slot;
    if (!IsSlotName(*slot)) {
      ctx.yaml.Error(node["slot"], fmt::format("'{}' is not a valid replication slot name", *slot),
                     "use at most 63 lower-case letters, digits and _");
    }
  }
  if (auto publication = ctx.yaml.String(node, "publication"))
    task.options.publication = *publication;
  if (auto every = ctx.yaml.Integer(node, "commit_every", 1000, 1'000'000'000)) {
    task.options.commit_every = *every;
  }
}

void LoadOptions(FileContext& ctx, const YAML::Node& node, Task& task) {
  if (auto query = ctx.yaml.String(node, "query")) task.options.query = *query;
  if (auto mode = ctx.yaml.String(node, "mode")) {
    task.options.mode = *mode;
    if (*mode != "overwrite" && *mode != "append") {
      ctx.yaml.Error(node["mode"],
                     fmt::format("mode must be 'overwrite' or 'append', not '{}'", *mode));
    }
  }
  LoadCdcOptions(ctx, node, task);
  task.options.parallelism = static_cast<int>(
      ctx.yaml.Integer(node, "parallelism", 1, 64).value_or(ctx.project.defaults.parallelism));
  if (auto partition_by = ctx.yaml.StringList(node, "partition_by")) {
    task.options.partition_by = *partition_by;
  }
  if (auto props = ctx.yaml.StringMap(node, "table_properties")) {
    task.options.table_properties = *props;
  }
  if (auto dropped = ctx.yaml.String(node, "dropped_columns")) {
    task.options.keep_dropped_columns = *dropped != "drop";
    if (*dropped != "keep" && *dropped != "drop") {
      ctx.yaml.Error(node["dropped_columns"],
                     fmt::format("dropped_columns must be 'keep' or 'drop', not '{}'", *dropped));
    }
  }
  task.options.load_metadata =
      ctx.yaml.Boolean(node, "load_metadata").value_or(ctx.project.defaults.load_metadata);
  LoadIncrementalOptions(ctx, node, task);
  if (auto columns = ctx.yaml.StringList(node, "columns")) {
    task.options.columns = *columns;
    if (columns->empty())
      ctx.yaml.Error(node["columns"], "'columns' lists no column", "name at least one");
    for (size_t i = 0; i < columns->size(); ++i) {
      if (std::find(columns->begin(), columns->begin() + static_cast<long>(i), (*columns)[i]) !=
          columns->begin() + static_cast<long>(i)) {
        ctx.yaml.Error(node["columns"][i],
                       fmt::format("column '{}' is listed twice", (*columns)[i]));
      }
    }
  }
}

void CheckFrequency(FileContext& ctx, const YAML::Node& node, Task& task) {
  if (ctx.project.FindFrequency(task.frequency) != nullptr) return;
  auto names = FrequencyNames(ctx.project);
  ctx.yaml.Error(
      node["frequency"],
      fmt::format("unknown frequency '{}'{}", task.frequency, DidYouMean(task.frequency, names)),
      "frequencies are declared in tributary.yml: " + JoinNames(names));
}

void LoadTable(FileContext& ctx, const std::string& schema, const YAML::Node& node) {
  if (!ctx.yaml.CheckMapping(node, "table", ctx.strategy, "a table entry")) return;
  auto name = ctx.yaml.String(node, "name");
  if (!name) return;
  Task task;
  task.strategy = ctx.strategy;
  task.server = ctx.server;
  task.database = ctx.database;
  task.source_schema = schema;
  task.source_table = *name;
  task.where = ctx.yaml.At(node["name"]);
  task.frequency = ctx.yaml.String(node, "frequency").value_or("daily");
  if (node["frequency"]) CheckFrequency(ctx, node, task);
  task.sink_table =
      ctx.yaml.String(node, "sink_table").value_or(DefaultSinkTable(ctx.database, *name));
  if (!IsIdentifier(task.sink_table)) {
    ctx.yaml.Error(node["sink_table"] ? node["sink_table"] : node["name"],
                   fmt::format("sink table name '{}' is not a plain identifier", task.sink_table),
                   "use letters, digits and _ only (set sink_table:)");
  }
  LoadOptions(ctx, node, task);
  std::string key =
      ctx.strategy + "\x1f" + ctx.server + "\x1f" + ctx.database + "\x1f" + schema + "\x1f" + *name;
  auto [first, fresh] = ctx.seen.try_emplace(key, task.where);
  if (!fresh) {
    ctx.yaml.ErrorAt(task.where,
                     fmt::format("table '{}' is listed twice for strategy {}", *name, ctx.strategy),
                     fmt::format("it is already listed at {}:{}; remove one entry",
                                 first->second.file, first->second.line));
    return;
  }
  ctx.project.tasks.push_back(std::move(task));
}

void LoadSchema(FileContext& ctx, const YAML::Node& node) {
  if (!ctx.yaml.CheckMapping(node, "schema", "", "a schema entry")) return;
  auto name = ctx.yaml.String(node, "name");
  YAML::Node tables = ctx.yaml.Sequence(node, "tables");
  if (!name || !tables) return;
  if (tables.size() == 0)
    ctx.yaml.Warning(node["tables"], fmt::format("schema '{}' lists no tables", *name));
  for (const auto& table : tables) LoadTable(ctx, *name, table);
}

void CheckServer(FileContext& ctx, const YAML::Node& root) {
  if (ctx.server.empty()) return;
  if (const ServerConfig* server = ctx.project.FindServer(ctx.server)) {
    const StrategyKind* strategy = FindStrategyKind(ctx.strategy);
    const ServerKind* kind = FindServerKind(server->kind);
    if (strategy && strategy->needs_cdc && kind && !kind->cdc) {
      ctx.yaml.Error(root["server"],
                     fmt::format("server '{}' is {}, which has no change stream for {}", ctx.server,
                                 server->kind, ctx.strategy),
                     fmt::format("{} reads the server kinds {}; load this table with `full` or "
                                 "`incremental`",
                                 ctx.strategy, JoinNames(ServerKindNames(true))));
    }
    return;
  }
  auto names = ServerNames(ctx.project);
  ctx.yaml.Error(
      root["server"],
      fmt::format("unknown server '{}'{}", ctx.server, DidYouMean(ctx.server, names)),
      "servers are declared in tributary.yml under 'servers:'; known: " + JoinNames(names));
}

void LoadIngestFile(const fs::path& path, const std::string& display, const std::string& strategy,
                    Project& project, Diagnostics& diagnostics, SeenTables& seen) {
  YamlReader yaml(path, display, diagnostics);
  auto root = yaml.Load();
  if (!root) return;
  if (root->IsNull()) {
    diagnostics.Warning({display, 1, 1}, "empty ingest file",
                        "list a server, a database and its tables, or delete it");
    return;
  }
  if (!yaml.CheckMapping(*root, "ingest", strategy, "an ingest file")) return;
  FileContext ctx{yaml,
                  project,
                  seen,
                  strategy,
                  yaml.String(*root, "server").value_or(""),
                  yaml.String(*root, "database").value_or("")};
  CheckServer(ctx, *root);
  YAML::Node schemas = yaml.Sequence(*root, "schemas");
  if (!schemas) return;
  for (const auto& schema : schemas) LoadSchema(ctx, schema);
}

bool IsYaml(const fs::path& p) { return p.extension() == ".yml" || p.extension() == ".yaml"; }

// Collects the files under ingest/, following folder links (a linked folder
// is as much a part of the project as a copied one) and reporting what it
// cannot follow instead of dropping it. Paths keep the links' names, so a
// file's strategy folder is the one it is listed under.
struct IngestWalk {
  fs::path project_dir;
  std::vector<std::pair<fs::path, fs::path>> chain;  // (canonical, as walked) down to here
  std::vector<fs::path> files;
  Diagnostics& diagnostics;

  std::string Shown(const fs::path& p) const {
    return p.lexically_relative(project_dir).generic_string();
  }

  void Visit(const fs::path& folder) {
    std::error_code ec;
    fs::path real = fs::canonical(folder, ec);
    for (const auto& [ancestor, shown] : chain) {
      if (ec || real != ancestor) continue;
      diagnostics.Error({Shown(folder), 0, 0},
                        fmt::format("folder link loop: this is {} again", Shown(shown) + "/"),
                        "remove the link, or point it at a folder that does not contain it");
      return;
    }
    chain.emplace_back(real, folder);
    fs::directory_iterator it(folder, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) Add(it->path());
    if (ec) {
      diagnostics.Error({Shown(folder) + "/", 0, 0}, "cannot list the folder: " + ec.message(),
                        "check that tributary may read it");
    }
    chain.pop_back();
  }

  void Add(const fs::path& path) {
    std::error_code ec;
    fs::file_status status = fs::status(path, ec);  // follows links
    if (fs::is_directory(status)) {
      Visit(path);
    } else if (fs::is_regular_file(status)) {
      files.push_back(path);
    } else if (std::error_code link_ec; fs::is_symlink(fs::symlink_status(path, link_ec))) {
      diagnostics.Error({Shown(path), 0, 0},
                        "cannot follow the link: " + (ec ? ec.message() : "not a file or a folder"),
                        "fix or remove the link");
    } else {
      diagnostics.Warning({Shown(path), 0, 0}, "not a file or a folder; ignored",
                          "ingest/ holds YAML files in folders");
    }
  }
};

}  // namespace

std::string DefaultSinkTable(const std::string& database, const std::string& table) {
  std::string stem = fs::path(database).stem().string();
  std::string name = (stem.empty() ? database : stem) + "__" + table;
  for (char& c : name) {
    c = std::isalnum(static_cast<unsigned char>(c))
            ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
            : '_';
  }
  return name;
}

void LoadIngestFiles(const fs::path& dir, Project& project, Diagnostics& diagnostics) {
  fs::path root = dir / "ingest";
  if (!fs::is_directory(root)) {
    diagnostics.Warning({"ingest/", 0, 0}, "no ingest/ folder: the project loads no tables",
                        "add ingest/<strategy>/<server>/<database>.yml files");
    return;
  }
  IngestWalk walk{dir, {}, {}, diagnostics};
  walk.Visit(root);
  std::vector<fs::path>& files = walk.files;
  std::sort(files.begin(), files.end());
  SeenTables seen;
  for (const auto& file : files) {
    std::string display = file.lexically_relative(dir).generic_string();
    if (!IsYaml(file)) {
      diagnostics.Warning({display, 0, 0}, "not a YAML file; ignored",
                          "ingest files end in .yml or .yaml");
      continue;
    }
    fs::path rel = file.lexically_relative(root);
    std::string strategy = rel.begin()->string();
    if (std::distance(rel.begin(), rel.end()) < 2) {
      diagnostics.Error({display, 0, 0}, "ingest file outside a strategy folder",
                        "move it to ingest/<strategy>/<server>/<database>.yml; strategies: " +
                            JoinNames(StrategyNames()));
      continue;
    }
    const auto strategies = StrategyNames();
    if (std::find(strategies.begin(), strategies.end(), strategy) == strategies.end()) {
      diagnostics.Error(
          {display, 0, 0},
          fmt::format("unknown strategy folder '{}'{}", strategy, DidYouMean(strategy, strategies)),
          "the first folder under ingest/ names the strategy: " + JoinNames(strategies));
      continue;
    }
    LoadIngestFile(file, display, strategy, project, diagnostics, seen);
  }
}

}  // namespace tributary
