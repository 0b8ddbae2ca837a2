// The project model: what tributary.yml and ingest/<strategy>/<server>/
// <database>.yml describe, after loading and validation. Every element keeps
// the place it was written so errors can point at it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tributary {

struct SourceLocation {
  std::string file;  // path as shown to the user (relative to the project dir)
  int line = 0;      // 1-based; 0 when unknown
  int column = 0;    // 1-based; 0 when unknown
};

struct FrequencyConfig {
  std::string name;      // "hourly", "every_5_minutes", ...
  std::string cron;      // Quartz: sec min hour day-of-month month day-of-week [year]
  std::string timezone;  // IANA name, e.g. "Europe/Oslo"
  SourceLocation where;
  // How the scheduler (and exported jobs) treat this frequency's ticks; the
  // values are validated when loading (see config/schedule_options.h).
  std::string overlap = "skip";   // skip | queue: a tick finding the last run still going
  std::string catch_up = "once";  // once | none: ticks missed while no scheduler ran
  int timeout_minutes = 0;        // a run longer than this is cancelled; 0: no limit
  bool paused = false;            // not scheduled; exported jobs are paused
};

// `scheduler:` in tributary.yml: how runs coordinate on this machine.
struct SchedulerConfig {
  std::string lock_dir = ".tributary/locks";  // per-table lock files, relative to the project
  int misfire_grace_seconds = 60;             // a tick noticed later than this counts as missed
};

// `jobs:` in tributary.yml: what `tributary jobs export` writes into the
// definitions for other schedulers. Empty strings mean "the format's default".
struct JobsConfig {
  std::string command;      // the tributary executable as the target machine sees it
  std::string project_dir;  // the project folder as the target machine sees it
  std::string kubernetes_image;
  std::string kubernetes_namespace;
  std::string databricks_cluster_id;    // empty: serverless
  std::string databricks_warehouse_id;  // the dbt_task's; empty: the project's profiles.yml
  std::string databricks_wheel;         // the tributary-engine wheel the job environment installs
  std::string databricks_secret_scope;  // where ${env:NAME} secrets come from (key NAME)
  std::string kubernetes_secret;        // a Secret whose keys become the container's environment
  std::string kubernetes_volume_claim;  // mounted at the project folder (a file sink needs one)
  std::string environment_file;         // crontab, systemd: KEY=value lines for ${env:NAME}
  std::string user;                     // systemd: the account the service runs as
  std::string log_dir;                  // crontab: where each frequency's output is appended
  SourceLocation where;
};

// `dbt:` in tributary.yml: the dbt project tributary builds after the loads
// of each frequency (see docs/dbt.md). Paths are relative to the project.
struct DbtConfig {
  bool enabled = false;                      // a dbt: block was given
  std::string project_dir;                   // holds dbt_project.yml
  std::string profiles_dir;                  // holds profiles.yml; "": project_dir
  std::string target;                        // profile target; "": the profile's default
  std::string executable = "dbt";            // a name on PATH, or a path
  std::vector<std::string> flags;            // added to every dbt command
  std::map<std::string, std::string> vars;   // passed as --vars
  std::string selection = "same_or_higher";  // same_or_higher | yield
  bool skip_unchanged = false;
  std::string default_frequency = "daily";  // of untagged models
  int timeout_minutes = 0;                  // one dbt command; 0: no limit
  SourceLocation where;
};

// `powerbi:` in tributary.yml: the Power BI semantic models refreshed after
// the dbt models their tables read (see docs/powerbi.md).
struct PowerBiTable {
  std::string table;         // the table's name in the semantic model
  std::string model;         // the dbt model it reads (a model name)
  std::string frequency;     // as written; "": the source model's frequency
  bool incremental = false;  // has an incremental refresh policy: applyRefreshPolicy
  SourceLocation where;      // the entry
  SourceLocation model_where;
  SourceLocation frequency_where;
};

struct PowerBiSemanticModel {
  std::string name;       // the key under semantic_models: (messages, history)
  std::string workspace;  // a workspace (group) id or name
  std::string dataset;    // a semantic model (dataset) id or name
  std::vector<PowerBiTable> tables;
  SourceLocation where;
};

struct PowerBiConfig {
  bool enabled = false;  // a powerbi: block was given
  // Values may hold ${env:NAME} / ${file:PATH} references (client_secret
  // must), resolved only when a token is fetched.
  std::string tenant_id;
  std::string client_id;
  std::string client_secret;
  std::string capacity = "premium";  // shared | premium | ppu | fabric
  std::string authority = "https://login.microsoftonline.com";
  std::string api_url = "https://api.powerbi.com/v1.0/myorg";
  std::string scope = "https://analysis.windows.net/powerbi/api/.default";
  int timeout_minutes = 120;  // one semantic model's refresh, waits included
  std::vector<PowerBiSemanticModel> semantic_models;  // in file order
  SourceLocation where;
};

struct ServerConfig {
  std::string name;
  std::string kind;  // sqlite | postgresql | sqlserver | duckdb
  // Connection settings as written; values may hold ${env:NAME} / ${file:PATH}
  // references, resolved only when connecting (see config/secrets.h).
  std::map<std::string, std::string> settings;
  SourceLocation where;
};

struct SinkConfig {
  std::string kind = "duckdb";
  std::string path;               // duckdb: database file; delta: root directory (project-relative)
  std::string schema = "bronze";  // schema that holds the loaded tables (duckdb, postgresql)
  // The other keys of the sink's kind (sink.<kind> in settings.cc), as written;
  // values may hold ${env:NAME} / ${file:PATH} references.
  std::map<std::string, std::string> settings;
  std::map<std::string, std::string> table_properties;  // delta: properties of every table
  SourceLocation where;
};

// Strategy options of one table. Which apply to which strategy is declared
// once, in config/settings.cc, which also generates the docs.
struct TaskOptions {
  std::string query;                      // query: the SQL to run at the source
  std::string mode;                       // query: append | overwrite (default overwrite)
  std::vector<std::string> columns;       // selected_columns: the columns to copy
  int parallelism = 1;                    // connections reading the table at once
  std::string watermark_column;           // incremental: the column rows are read past
  std::vector<std::string> primary_key;   // incremental: merge by these columns when given
  std::string lookback;                   // incremental: "15m", "2h", "1d" or a number; "" none
  std::vector<std::string> partition_by;  // delta: partition columns
  std::map<std::string, std::string> table_properties;  // delta: table properties
  bool keep_dropped_columns = true;  // dropped_columns: keep (default) | drop, on full reloads
  bool load_metadata = true;         // stamp rows with _ingested_at and _run_id
  bool current = false;              // cdc: also keep a current-state table
  std::string slot;                  // cdc (postgresql): replication slot; "" = derived
  std::string publication;           // cdc (postgresql): publication; "" = derived, managed
  int64_t commit_every = 0;          // cdc: rows per sink commit of a backlog; 0 = default
};

// One table to load: the unit `plan` lists and `run` executes.
struct Task {
  std::string strategy;  // full | query | selected_columns | incremental | cdc
  std::string server;
  std::string database;
  std::string source_schema;  // may be empty
  std::string source_table;
  std::string frequency;   // "daily" when the config names none
  std::string sink_table;  // unique in the project; the task's id
  TaskOptions options;
  SourceLocation where;  // the table entry in its ingest file

  const std::string& id() const { return sink_table; }
};

struct RunDefaults {
  int threads = 4;
  int batch_rows = 65536;
  int parallelism = 1;
  bool load_metadata = true;  // a table's load_metadata when it sets none
};

// `serve:` in tributary.yml: the status server (`tributary serve`, `schedule
// run --http`; docs/status-page.md).
struct ServeConfig {
  // A secret reference (${env:NAME} / ${file:PATH}), resolved when serving:
  // the token every request must carry; required to listen off loopback.
  std::string token;
};

struct Project {
  std::string name;
  std::filesystem::path dir;  // absolute
  SinkConfig sink;
  std::vector<FrequencyConfig> frequencies;
  std::vector<ServerConfig> servers;
  RunDefaults defaults;
  SchedulerConfig scheduler;
  JobsConfig jobs;
  DbtConfig dbt;
  PowerBiConfig powerbi;
  ServeConfig serve;
  std::vector<Task> tasks;  // in file order

  const ServerConfig* FindServer(const std::string& wanted) const;
  const FrequencyConfig* FindFrequency(const std::string& wanted) const;
};

}  // namespace tributary
