#include "config/settings.h"

#include <fmt/format.h>

#include <algorithm>

#include "config/kinds.h"

namespace tributary {
namespace {

using VT = ValueType;

// The one declaration of the configuration language.
const std::vector<Setting> kSettings = {
    {"project", "project", VT::kString, true, "", "",
     "Name of the project, shown in logs and run records."},
    {"project", "sink", VT::kMapping, true, "", "", "Where bronze lives (see Sink)."},
    {"project", "frequencies", VT::kMapping, false, "", "",
     "Named schedules: name → {cron, timezone}. `daily` exists even if not declared."},
    {"project", "servers", VT::kMapping, false, "", "", "Named source servers: name → {kind, …}."},
    {"project", "defaults", VT::kMapping, false, "", "",
     "Run settings used when the command line gives none."},
    {"project", "scheduler", VT::kMapping, false, "", "",
     "How runs coordinate on this machine (see Scheduler)."},
    {"project", "jobs", VT::kMapping, false, "", "",
     "What `tributary jobs export` writes into job definitions (see Jobs)."},
    {"project", "dbt", VT::kMapping, false, "", "",
     "The dbt project built after each frequency's loads (see dbt, docs/dbt.md)."},
    {"project", "serve", VT::kMapping, false, "", "",
     "The status server of `tributary serve` and `schedule run --http` (see Status server, "
     "docs/status-page.md)."},
    {"project", "powerbi", VT::kMapping, false, "", "",
     "Power BI semantic models refreshed after the dbt models their tables read (see Power BI, "
     "docs/powerbi.md)."},

    {"sink", "kind", VT::kString, true, "", "", "Sink kind: one of the sink kinds above."},
    {"sink", "schema", VT::kString, false, "bronze", "",
     "Schema that holds the loaded tables (duckdb, postgresql; a delta sink has none)."},

    {"sink.duckdb", "path", VT::kString, true, "", "",
     "The database file, relative to the project folder. Do not name it after the schema."},
    {"sink.duckdb", "memory_limit", VT::kString, false, "128MB", "",
     "Memory DuckDB may use (its buffer pool: blocks written by the running loads, merges). Past "
     "it, DuckDB evicts written blocks and spills to `<path>.tmp`, so a load's memory does not "
     "grow with the table. Raise it if a merge of a very wide table fails out of memory."},
    {"sink.duckdb", "lock_wait_seconds", VT::kInteger, false, "1800", "",
     "How long a command waits for the database file while another process has it open (DuckDB "
     "lets one process open a file at a time), e.g. a run whose cron fires while another "
     "frequency's run loads. It logs what it waits for (the file, the holder's PID), then once a "
     "minute, and fails past this. 0: fail at once. `status` does not wait: it reads the copy of "
     "the run history kept beside the file."},
    {"sink.duckdb", "threads", VT::kInteger, false, "cores - 1", "",
     "DuckDB's worker threads, which compress and write the loaded row groups. The default "
     "leaves one core to the reader that decodes the source's rows (at least 1 thread). Not the "
     "number of tables loaded at once: that is `defaults.threads` (`run --threads`)."},

    {"sink.delta", "path", VT::kString, true, "", "",
     "Root of the Delta tables: a directory (relative to the project folder or absolute), "
     "`s3://BUCKET/PREFIX`, `abfss://CONTAINER@ACCOUNT.dfs.core.windows.net/PREFIX` or "
     "`az://CONTAINER/PREFIX` (docs/object-storage.md). One table per sink table at "
     "`<path>/<sink_table>`, run records and state under `<path>/_tributary`."},
    {"sink.delta", "aws_region", VT::kString, false, "AWS_REGION", "",
     "S3: the bucket's region; else `AWS_REGION`, `AWS_DEFAULT_REGION`, then us-east-1."},
    {"sink.delta", "aws_endpoint", VT::kString, false, "AWS", "",
     "S3: the endpoint of an S3-compatible store (`http://host:port`); else AWS's for the region."},
    {"sink.delta", "aws_access_key_id", VT::kString, false, "", "",
     "S3: access key id (may be a secret reference); with `aws_secret_access_key`. Without them "
     "the standard AWS chain is used: `AWS_ACCESS_KEY_ID`…, web identity, container and instance "
     "credentials."},
    {"sink.delta", "aws_secret_access_key", VT::kSecret, false, "", "",
     "S3: secret access key: `${env:NAME}` or `${file:PATH}` only."},
    {"sink.delta", "aws_session_token", VT::kSecret, false, "", "",
     "S3: session token of temporary credentials: `${env:NAME}` or `${file:PATH}` only."},
    {"sink.delta", "aws_virtual_hosted", VT::kBoolean, false, "false", "",
     "S3: address the bucket in the host name (`BUCKET.s3.REGION.amazonaws.com`) instead of the "
     "path."},
    {"sink.delta", "azure_account", VT::kString, false, "AZURE_STORAGE_ACCOUNT", "",
     "Azure: the storage account of `az://` paths (abfss:// paths name it in the host)."},
    {"sink.delta", "azure_endpoint", VT::kString, false, "", "",
     "Azure: the Blob endpoint (`http://127.0.0.1:10000/devstoreaccount1` for Azurite); else "
     "`https://ACCOUNT.blob.core.windows.net`."},
    {"sink.delta", "azure_account_key", VT::kSecret, false, "", "",
     "Azure: the account's Shared Key: `${env:NAME}` or `${file:PATH}` only."},
    {"sink.delta", "azure_sas_token", VT::kSecret, false, "", "",
     "Azure: a SAS token (the query string): `${env:NAME}` or `${file:PATH}` only."},
    {"sink.delta", "azure_tenant_id", VT::kString, false, "AZURE_TENANT_ID", "",
     "Azure: the tenant of the service principal (with `azure_client_id`, "
     "`azure_client_secret`)."},
    {"sink.delta", "azure_client_id", VT::kString, false, "AZURE_CLIENT_ID", "",
     "Azure: the service principal's (or managed identity's) client id."},
    {"sink.delta", "azure_client_secret", VT::kSecret, false, "", "",
     "Azure: the service principal's secret: `${env:NAME}` or `${file:PATH}` only."},
    {"sink.delta", "azure_managed_identity", VT::kBoolean, false, "false", "",
     "Azure: sign in with the machine's managed identity."},
    {"sink.delta", "single_writer", VT::kBoolean, false, "false", "",
     "Allow a store that cannot refuse a second commit of one version (put-if-absent), promising "
     "that tributary is the only writer of these tables; without it such a store is refused."},
    {"sink.delta", "target_file_mb", VT::kInteger, false, "128", "",
     "Rows per Parquet data file, in MB of in-memory data (files come out smaller, compressed); "
     "also the size `tributary compact` aims for."},
    {"sink.delta", "memory_limit", VT::kString, false, "1GB", "",
     "Memory the embedded DuckDB engine that writes Parquet may use before it spills to disk."},
    {"sink.delta", "threads", VT::kInteger, false, "cores", "",
     "Worker threads of that engine (merges, rewrites of existing files, Parquet encoding). Not "
     "the number of tables loaded at once: that is `defaults.threads` (`run --threads`)."},
    {"sink.delta", "timestamp_ntz", VT::kBoolean, false, "false", "",
     "Store `timestamp` columns (no time zone) as Delta `timestamp_ntz` (protocol 3/7, Spark "
     "3.4+, Databricks 13+) instead of `timestamp` read as UTC."},
    {"sink.delta", "table_properties", VT::kMapping, false, "", "",
     "Delta table properties of every table, e.g. `delta.logRetentionDuration: interval 30 "
     "days`; a table's own `table_properties` win."},

    {"sink.postgresql", "host", VT::kString, true, "", "", "Host name or address."},
    {"sink.postgresql", "port", VT::kInteger, false, "5432", "", "TCP port."},
    {"sink.postgresql", "database", VT::kString, true, "", "", "Database that holds the schema."},
    {"sink.postgresql", "user", VT::kString, true, "", "",
     "User name (may be a secret reference); needs CREATE on the database."},
    {"sink.postgresql", "password", VT::kSecret, false, "", "",
     "Password: `${env:NAME}` or `${file:PATH}` only."},
    {"sink.postgresql", "sslmode", VT::kString, false, "prefer", "",
     "libpq sslmode (`disable`, `require`, `verify-full`, …)."},
    {"sink.postgresql", "connect_timeout", VT::kInteger, false, "10", "",
     "Seconds to wait for a connection."},
    {"sink.postgresql", "application_name", VT::kString, false, "tributary", "",
     "Shown in pg_stat_activity."},

    {"frequency", "cron", VT::kString, true, "", "",
     "Quartz cron: `sec min hour day-of-month month day-of-week [year]`, e.g. `0 0/5 * * * ?`."},
    {"frequency", "timezone", VT::kString, false, "UTC", "",
     "IANA time zone the cron is read in, e.g. `Europe/Oslo`."},
    {"frequency", "overlap", VT::kString, false, "skip", "",
     "A tick that finds this frequency's previous run still going: `skip` it, or `queue` it "
     "(at most one) to run when that run ends. Exported jobs keep the policy where the engine "
     "can."},
    {"frequency", "catch_up", VT::kString, false, "once", "",
     "Ticks missed while no scheduler ran (downtime, suspend): `once` runs the frequency once "
     "for all of them as soon as possible; `none` waits for the next tick."},
    {"frequency", "timeout_minutes", VT::kInteger, false, "0", "",
     "A run of this frequency still going after this long is cancelled (its unfinished tables "
     "roll back); exported as the job's timeout. 0: no limit."},
    {"frequency", "paused", VT::kBoolean, false, "false", "",
     "`true`: the scheduler does not run it and exported jobs are created paused."},

    {"scheduler", "lock_dir", VT::kString, false, ".tributary/locks", "",
     "Folder (relative to the project) of the per-table lock files every run takes, so a table "
     "is never loaded by two runs at once, even from two processes. It must be on a file system "
     "every tributary process of the project shares."},
    {"scheduler", "misfire_grace_seconds", VT::kInteger, false, "60", "",
     "A tick the scheduler notices later than this (machine suspended, clock jump, busy host) "
     "counts as missed and follows the frequency's `catch_up` policy."},

    {"serve", "token", VT::kString, false, "", "",
     "A secret reference (${env:NAME} or ${file:PATH}) to the token every request must carry "
     "(`Authorization: Bearer <token>`, or basic auth with it as password; /healthz excepted). "
     "Required to listen on a non-loopback address."},

    {"jobs", "command", VT::kString, false, "", "",
     "The tributary executable as the job's machine sees it. Default: this executable's absolute "
     "path for `crontab` and `systemd`, `tributary` for `kubernetes` and `databricks`."},
    {"jobs", "project_dir", VT::kString, false, "", "",
     "The project folder as the job's machine sees it. Default: this project's absolute path for "
     "`crontab` and `systemd`, `/project` for `kubernetes`, the bundle's synced files "
     "(`${workspace.file_path}`) for `databricks`."},
    {"jobs", "kubernetes_image", VT::kString, false, "", "",
     "Container image holding tributary, for `--format kubernetes` (required there)."},
    {"jobs", "kubernetes_namespace", VT::kString, false, "", "",
     "Namespace of the exported CronJobs; none: the one `kubectl` applies to."},
    {"jobs", "databricks_cluster_id", VT::kString, false, "", "",
     "Existing cluster the exported Databricks tasks run on; none: serverless compute."},
    {"jobs", "databricks_warehouse_id", VT::kString, false, "", "",
     "SQL warehouse the exported Databricks `dbt_task` runs on (Databricks then writes the dbt "
     "profile); none: the dbt project's own `profiles.yml` (`dbt.profiles_dir`)."},
    {"jobs", "databricks_wheel", VT::kString, false, "", "",
     "The tributary-engine wheel (`scripts/package.sh`) as the job sees it, e.g. "
     "`/Volumes/main/tools/artifacts/tributary_engine-0.1.0-py3-none-manylinux_2_35_x86_64.whl`: "
     "the job's environment (or, on a cluster, the task's libraries) installs it and the tasks run "
     "its binary. None: `jobs.command` must exist on the compute."},
    {"jobs", "databricks_secret_scope", VT::kString, false, "", "",
     "Databricks secret scope holding the project's `${env:NAME}` secrets, each under the key "
     "NAME: the launcher reads them with `dbutils.secrets.get` into the environment before "
     "tributary starts. Required when the project reads `${env:…}`."},
    {"jobs", "kubernetes_secret", VT::kString, false, "", "",
     "Secret whose keys become the container's environment (`envFrom`), for the project's "
     "`${env:NAME}` references. Required when the project reads `${env:…}`."},
    {"jobs", "kubernetes_volume_claim", VT::kString, false, "", "",
     "PersistentVolumeClaim mounted at the project folder (`jobs.project_dir`), holding the "
     "project, its state and a file sink. Required with a DuckDB sink or a Delta sink on a local "
     "path: a container's own files end with it."},
    {"jobs", "environment_file", VT::kString, false, "", "",
     "crontab and systemd: a file of `NAME=value` lines giving the project's `${env:NAME}` "
     "secrets (systemd `EnvironmentFile=`; crontab sources it). Required when the project reads "
     "`${env:…}`: cron and systemd do not pass a login shell's environment."},
    {"jobs", "user", VT::kString, false, "", "",
     "systemd: the account the services run as (`User=`); none: root for system units. Install a "
     "crontab as the user who should run it (`crontab -u USER`)."},
    {"jobs", "log_dir", VT::kString, false, "<project_dir>/.tributary/logs", "",
     "crontab: the folder each frequency's output is appended to (`<frequency>.log`); systemd "
     "logs to the journal."},

    {"dbt", "project_dir", VT::kString, true, "", "",
     "Folder holding `dbt_project.yml`, relative to the project folder."},
    {"dbt", "profiles_dir", VT::kString, false, "project_dir", "",
     "Folder holding `profiles.yml`, relative to the project folder."},
    {"dbt", "target", VT::kString, false, "", "",
     "Target of the dbt profile (`--target`); none: the profile's default."},
    {"dbt", "executable", VT::kString, false, "dbt", "",
     "The dbt command: a name looked up on PATH, or a path (relative to the project folder), "
     "e.g. `.venv/bin/dbt`."},
    {"dbt", "flags", VT::kStringList, false, "", "",
     "Extra arguments added to every dbt command, e.g. `[--threads, \"4\"]`."},
    {"dbt", "vars", VT::kMapping, false, "", "", "dbt variables, passed as `--vars`."},
    {"dbt", "selection", VT::kString, false, "same_or_higher", "",
     "Which models a frequency's run builds: `same_or_higher` (its own and every more frequent "
     "frequency's, so the daily run also builds the hourly models) or `yield` (the same, but a "
     "run whose tick is also a tick of a less frequent frequency leaves its models to that run)."},
    {"dbt", "skip_unchanged", VT::kBoolean, false, "false", "",
     "Leave out a selected model when it was built before from the same SQL, config and macros "
     "and nothing it reads changed since: no bronze table it reads landed rows and no model it "
     "reads was built. Models reading seeds, snapshots or sources tributary does not load are "
     "always built (docs/dbt.md)."},
    {"dbt", "default_frequency", VT::kString, false, "daily", "",
     "Frequency of models with no frequency tag; a declared frequency."},
    {"dbt", "timeout_minutes", VT::kInteger, false, "0", "",
     "A dbt command still running after this long is stopped (SIGTERM, then SIGKILL); 0: no "
     "limit."},

    {"powerbi", "tenant_id", VT::kString, true, "", "",
     "Entra ID tenant (directory) id of the service principal; may be a secret reference."},
    {"powerbi", "client_id", VT::kString, true, "", "",
     "Application (client) id of the service principal; may be a secret reference."},
    {"powerbi", "client_secret", VT::kSecret, true, "", "",
     "The service principal's client secret: `${env:NAME}` or `${file:PATH}` only."},
    {"powerbi", "capacity", VT::kString, false, "premium", "",
     "What the workspaces run on: `premium`, `ppu`, `fabric` (enhanced refresh of single tables, "
     "no refresh limit) or `shared` (Pro: whole-model refreshes only, at most 8 a day)."},
    {"powerbi", "timeout_minutes", VT::kInteger, false, "120", "",
     "A semantic model's refresh (waits for a running one included) still going after this long "
     "is cancelled; a run's frequency with a shorter `timeout_minutes` shortens it."},
    {"powerbi", "authority", VT::kString, false, "https://login.microsoftonline.com", "",
     "Entra ID authority host (a national cloud's, or a test server)."},
    {"powerbi", "api_url", VT::kString, false, "https://api.powerbi.com/v1.0/myorg", "",
     "Base of the Power BI REST API (a national cloud's, or a test server)."},
    {"powerbi", "scope", VT::kString, false, "https://analysis.windows.net/powerbi/api/.default",
     "", "OAuth scope of the token (a national cloud's Power BI resource)."},
    {"powerbi", "semantic_models", VT::kMapping, true, "", "",
     "Semantic models by a name of your choice → {workspace, dataset, tables}."},
    {"powerbi.semantic_model", "workspace", VT::kString, true, "", "",
     "The workspace: its id (a GUID) or its name."},
    {"powerbi.semantic_model", "dataset", VT::kString, true, "", "",
     "The semantic model (dataset) in the workspace: its id (a GUID) or its name."},
    {"powerbi.semantic_model", "tables", VT::kList, true, "", "",
     "The tables tributary refreshes: a list of {table, model, frequency, incremental}."},
    {"powerbi.table", "table", VT::kString, true, "", "",
     "The table's name in the semantic model."},
    {"powerbi.table", "model", VT::kString, true, "", "",
     "The dbt model it reads (a model name); its table refreshes after that model builds."},
    {"powerbi.table", "frequency", VT::kString, false, "the model's", "",
     "A declared frequency, no more frequent than the model's; none: the model's frequency."},
    {"powerbi.table", "incremental", VT::kBoolean, false, "false", "",
     "The table has an incremental refresh policy: it refreshes with `applyRefreshPolicy` (only "
     "the policy's refresh window)."},

    {"defaults", "threads", VT::kInteger, false, "4", "",
     "Tables loaded at once by `run` (`run --threads` overrides it); each table's own reading "
     "connections are `parallelism`, the sink engine's workers the sink's `threads`."},
    {"defaults", "batch_rows", VT::kInteger, false, "65536", "",
     "Rows per batch between reader and sink."},
    {"defaults", "parallelism", VT::kInteger, false, "1", "",
     "Connections that read one table at once, for sources that split a table into ranges "
     "under one snapshot (PostgreSQL); a table's own `parallelism` overrides it."},
    {"defaults", "load_metadata", VT::kBoolean, false, "true", "",
     "Whether tables carry the load metadata columns `_ingested_at` and `_run_id`; a table's "
     "own `load_metadata` overrides it."},

    {"server", "kind", VT::kString, true, "", "", "One of the server kinds above."},
    {"server", "retry_attempts", VT::kInteger, false, "3", "",
     "Tries of a connection, and of a table's load, that fail transiently (connection refused, "
     "reset or timed out; serialization failure or deadlock; server shutting down or out of "
     "connections). A load is retried only as a whole and only while nothing of it is "
     "committed. `1`: no retry. A server still unreachable after its tries is reported once; "
     "its other tables of the run then fail at once, naming the first error."},
    {"server", "retry_initial_backoff_seconds", VT::kInteger, false, "1", "",
     "Wait before the second try; it doubles with each try (with random jitter), up to "
     "`retry_max_backoff_seconds`. `0`: retry at once."},
    {"server", "retry_max_backoff_seconds", VT::kInteger, false, "30", "",
     "The longest wait between two tries."},
    {"server.sqlite", "directory", VT::kString, false, ".", "",
     "Folder holding the database files, relative to the project folder."},
    {"server.postgresql", "host", VT::kString, true, "", "", "Host name or address."},
    {"server.postgresql", "port", VT::kInteger, false, "5432", "", "TCP port."},
    {"server.postgresql", "user", VT::kString, true, "", "",
     "User name (may be a secret reference)."},
    {"server.postgresql", "password", VT::kSecret, false, "", "",
     "Password: `${env:NAME}` or `${file:PATH}` only."},
    {"server.postgresql", "sslmode", VT::kString, false, "prefer", "",
     "libpq sslmode (`disable`, `require`, `verify-full`, …)."},
    {"server.postgresql", "connect_timeout", VT::kInteger, false, "10", "",
     "Seconds to wait for a connection."},
    {"server.postgresql", "application_name", VT::kString, false, "tributary", "",
     "Shown in pg_stat_activity, so a DBA can find tributary's sessions."},
    {"server.sqlserver", "host", VT::kString, true, "", "",
     "Host name, e.g. `myserver.database.windows.net`."},
    {"server.sqlserver", "port", VT::kInteger, false, "1433", "", "TCP port."},
    {"server.sqlserver", "user", VT::kString, true, "", "",
     "User name (may be a secret reference)."},
    {"server.sqlserver", "password", VT::kSecret, false, "", "",
     "Password: `${env:NAME}` or `${file:PATH}` only."},
    {"server.sqlserver", "driver", VT::kString, false, "FreeTDS", "",
     "ODBC driver name as registered in odbcinst.ini, e.g. `FreeTDS` (Debian's tdsodbc) or "
     "`ODBC Driver 18 for SQL Server` (Microsoft's msodbcsql18). See docs/sqlserver.md."},
    {"server.sqlserver", "encrypt", VT::kBoolean, false, "true", "", "Encrypt the connection."},
    {"server.sqlserver", "trust_server_certificate", VT::kBoolean, false, "false", "",
     "Accept a server certificate without validating it (Microsoft's driver; FreeTDS validates "
     "only with a `ca file` in freetds.conf)."},
    {"server.sqlserver", "application_name", VT::kString, false, "tributary", "",
     "Sent as the ODBC `APP`: shown in sys.dm_exec_sessions.program_name, so a DBA can find "
     "tributary's sessions."},
    {"server.sqlserver", "connect_timeout", VT::kInteger, false, "15", "",
     "Seconds to wait for a connection (login timeout)."},
    {"server.sqlserver", "time_zone", VT::kString, false, "", "",
     "The server's time zone as `sys.time_zone_info` names it (e.g. `W. Europe Standard Time`), "
     "used to convert CDC commit times — the server's local time — to UTC change by change, "
     "across daylight saving switches. Empty: SQL Server 2022 and Azure SQL tell their own "
     "(`CURRENT_TIMEZONE_ID()`); older servers then get the offset of the moment the run "
     "starts, with a warning."},

    {"ingest", "server", VT::kString, true, "", "", "Name of a server declared in tributary.yml."},
    {"ingest", "database", VT::kString, true, "", "",
     "Database on that server (for sqlite: a file in its directory)."},
    {"ingest", "schemas", VT::kList, true, "", "", "The schemas to read, each with its tables."},

    {"schema", "name", VT::kString, true, "", "", "Schema name at the source (sqlite: `main`)."},
    {"schema", "tables", VT::kList, true, "", "", "The tables of this schema to load."},

    {"table", "name", VT::kString, true, "", "",
     "Source table name (for `query`: a label that names the sink table)."},
    {"table", "frequency", VT::kString, false, "daily", "",
     "Name of a frequency declared in tributary.yml."},
    {"table", "sink_table", VT::kString, false, "<database>__<table>", "",
     "Name of the table in the sink; by default the database name (without extension) and the "
     "table name, lower-cased, joined by `__`."},
    {"table", "query", VT::kString, true, "", "query",
     "SQL run at the source; its result is loaded."},
    {"table", "mode", VT::kString, false, "overwrite", "query",
     "`overwrite` replaces the sink table atomically; `append` adds the rows."},
    {"table", "columns", VT::kStringList, true, "", "selected_columns",
     "The columns to copy, in this order."},
    {"table", "watermark_column", VT::kString, true, "", "incremental",
     "Column whose value grows with every insert or update (a timestamp, date, integer or "
     "decimal, e.g. `updated_at` or an identity key); rows past the stored watermark are read."},
    {"table", "primary_key", VT::kStringList, false, "", "incremental",
     "Key columns: with a key the sink keeps the latest row per key (merge); without one, rows "
     "are appended and the re-read window is replaced exactly."},
    {"table", "lookback", VT::kString, false, "", "incremental",
     "Re-read this much before the watermark on every run, for rows that arrive late (a "
     "transaction that commits after a later one): a duration such as `30s`, `15m`, `2h`, `1d` "
     "for time columns, a number for integer and decimal columns."},
    {"table", "partition_by", VT::kStringList, false, "", "",
     "delta: columns whose values partition the table's files (one directory per value); takes "
     "effect when the table is created or fully reloaded."},
    {"table", "table_properties", VT::kMapping, false, "", "",
     "delta: table properties of this table, e.g. `delta.checkpointInterval: 10`."},
    {"table", "dropped_columns", VT::kString, false, "keep", "",
     "What a load that replaces the table (`full`, `selected_columns`, `query` with mode "
     "overwrite, `--full-refresh`) does with a column the source no longer gives: `keep` it as a "
     "NULL column, as appends and merges always do, so models reading it do not break without "
     "warning; or `drop` it. Either way the change is logged."},
    {"table", "load_metadata", VT::kBoolean, false, "defaults.load_metadata", "",
     "Add `_ingested_at` (timestamptz: when the load that landed the row started) and `_run_id` "
     "(the run that landed it, see `tributary runs`) after the table's columns; a CDC history "
     "already has `_ingested_at` and gets `_run_id`. A table loaded before gets them by schema "
     "evolution, NULL on its older rows. With `false`, a replacing load keeps existing ones as "
     "NULL columns unless `dropped_columns: drop`."},
    {"table", "parallelism", VT::kInteger, false, "defaults.parallelism", "",
     "Connections that read this table at once (PostgreSQL: ranges of the table under one "
     "exported snapshot, so all see the same data). Ignored by sources that cannot split a "
     "table, and by `query`."},
    {"table", "current", VT::kBoolean, false, "false", "cdc",
     "Also keep `<sink_table>_current`: one row per primary key as the source has it now "
     "(deletes applied), updated in the same commit as the history."},
    {"table", "slot", VT::kString, false, "tributary_<project>_<sink_table>_<sink digest>", "cdc",
     "PostgreSQL: the replication slot this table is read from (created and dropped by "
     "tributary; at most 63 lower-case letters, digits and _). The default name ends with a "
     "digest of the sink's identity, so every sink has its own; a slot named here that "
     "another sink created is refused (docs/cdc.md, \"Who owns a slot\")."},
    {"table", "publication", VT::kString, false, "tributary_<project>_<sink_table>", "cdc",
     "PostgreSQL: the publication the slot decodes. The default one is created by tributary; "
     "one named here must exist, publish the table and every operation, without filters."},
    {"table", "commit_every", VT::kInteger, false, "1000000", "cdc",
     "A backlog lands in several commits of about this many changes (each at a transaction "
     "boundary, each with its position), so a crash repeats little work."},
};

bool AppliesTo(const Setting& s, std::string_view strategy) {
  if (strategy.empty() || s.strategies[0] == '\0') return true;
  return std::string_view(s.strategies) == strategy;
}

const char* ScopeTitle(std::string_view scope) {
  if (scope == "project") return "Project file (`tributary.yml`), top level";
  if (scope == "sink") return "Sink (`sink:` in tributary.yml)";
  if (scope == "sink.duckdb") return "Sink kind `duckdb`";
  if (scope == "sink.delta") return "Sink kind `delta`";
  if (scope == "sink.postgresql") return "Sink kind `postgresql`";
  if (scope == "frequency") return "Frequency (`frequencies: {name: …}`)";
  if (scope == "defaults") return "Defaults (`defaults:`)";
  if (scope == "scheduler") return "Scheduler (`scheduler:`)";
  if (scope == "jobs") return "Jobs export (`jobs:`)";
  if (scope == "serve") return "Status server (`serve:`, see docs/status-page.md)";
  if (scope == "dbt") return "dbt (`dbt:`, see docs/dbt.md)";
  if (scope == "powerbi") return "Power BI (`powerbi:`, see docs/powerbi.md)";
  if (scope == "powerbi.semantic_model") return "Semantic model (`semantic_models: {name: …}`)";
  if (scope == "powerbi.table") return "Power BI table (`tables: [ … ]` of a semantic model)";
  if (scope == "server") return "Server, any kind (`servers: {name: …}`)";
  if (scope == "ingest") return "Ingest file (`ingest/<strategy>/…/<database>.yml`), top level";
  if (scope == "schema") return "Schema entry (`schemas: [ … ]`)";
  if (scope == "table") return "Table entry (`tables: [ … ]`)";
  return nullptr;
}

}  // namespace

const std::vector<Setting>& AllSettings() { return kSettings; }

std::vector<const Setting*> SettingsFor(std::string_view scope, std::string_view strategy) {
  std::vector<const Setting*> out;
  for (const auto& s : kSettings) {
    if (scope == s.scope && AppliesTo(s, strategy)) out.push_back(&s);
  }
  return out;
}

std::vector<std::string> KeyNames(std::string_view scope, std::string_view strategy) {
  std::vector<std::string> out;
  for (const auto* s : SettingsFor(scope, strategy)) out.emplace_back(s->key);
  return out;
}

const char* ValueTypeName(ValueType type) {
  switch (type) {
    case VT::kString:
      return "string";
    case VT::kInteger:
      return "integer";
    case VT::kBoolean:
      return "boolean";
    case VT::kStringList:
      return "list of strings";
    case VT::kMapping:
      return "mapping";
    case VT::kList:
      return "list";
    case VT::kSecret:
      return "secret reference";
  }
  return "value";
}

namespace {

// The kinds table of config/kinds.h, as markdown.
std::string RenderKinds() {
  auto yes = [](bool b) { return b ? "yes" : ""; };
  std::string out =
      "\n## Kinds\n\n| server kind | what | cdc | parallel reads |\n|---|---|---|---|\n";
  for (const ServerKind& k : ServerKinds()) {
    std::string what(k.what);
    if (!k.available) what += " — not available yet: " + std::string(k.unavailable_why);
    out += fmt::format("| `{}` | {} | {} | {} |\n", k.name, what, yes(k.cdc), yes(k.split_reads));
  }
  out += "\n| sink kind | what | compact |\n|---|---|---|\n";
  for (const SinkKind& k : SinkKinds()) {
    out += fmt::format("| `{}` | {} | {} |\n", k.name, k.what, yes(k.compact));
  }
  out += "\n| strategy (folder under `ingest/`) | what | backfill |\n|---|---|---|\n";
  for (const StrategyKind& k : StrategyKinds()) {
    const char* backfill = k.backfill == Backfill::kRange      ? "a watermark range"
                           : k.backfill == Backfill::kSnapshot ? "a fresh snapshot"
                                                               : "";
    out += fmt::format("| `{}` | {} | {} |\n", k.name, k.what, backfill);
  }
  return out;
}

}  // namespace

std::string RenderConfigReference() {
  std::string out = RenderKinds();
  std::string current;
  for (const auto& s : kSettings) {
    if (s.scope != current) {
      current = s.scope;
      const char* title = ScopeTitle(current);
      std::string heading =
          title != nullptr ? title : "Server kind `" + current.substr(current.find('.') + 1) + "`";
      out += "\n## " + heading +
             "\n\n| key | type | required | default | applies to | meaning |\n"
             "|---|---|---|---|---|---|\n";
    }
    std::string def = s.default_value[0] ? std::string("`") + s.default_value + "`" : "";
    std::string applies = s.strategies[0] ? std::string("`") + s.strategies + "`" : "";
    out += std::string("| `") + s.key + "` | " + ValueTypeName(s.type) + " | " +
           (s.required ? "yes" : "no") + " | " + def + " | " + applies + " | " + s.doc + " |\n";
  }
  return out;
}

}  // namespace tributary
