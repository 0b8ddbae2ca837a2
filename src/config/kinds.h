// The connector kinds and strategies tributary knows, with what each can do:
// the one list that validation, messages, the generated docs and the binding
// to implementations (engine/connectors.cc) read. Adding a source is a row
// here, its settings in settings.cc and one line in engine/connectors.cc.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tributary {

struct ServerKind {
  std::string_view name;  // the `kind:` of a server
  std::string_view what;  // one line for docs and messages
  bool available;         // false: reserved, `validate` refuses it with `unavailable_why`
  bool cdc;               // strategy `cdc` can read its change log
  bool split_reads;       // `parallelism` > 1 reads one table over several connections
  std::string_view unavailable_why = {};
};

struct SinkKind {
  std::string_view name;  // the `kind:` of the sink
  std::string_view what;
  bool compact;      // `tributary compact` rewrites its small files
  bool single_file;  // one database file, named by `path` (DuckDB names the catalog after it)
  // Bronze and the run history (`_tributary.task_results`) are SQL tables of
  // one catalog, with bronze in `schema`: dbt reads both there.
  bool sql_tables;
  // Reached by libpq settings (host, port, database, user): dbt's profile
  // gets them as TRIBUTARY_PG_* (dbt.md).
  bool libpq_settings;
};

enum class Backfill {
  kNone,      // reload with `run` (or --full-refresh)
  kRange,     // re-reads a watermark range --from/--to (or everything)
  kSnapshot,  // a fresh snapshot, whole table only
};

struct StrategyKind {
  std::string_view name;  // the folder under ingest/
  std::string_view what;
  Backfill backfill;
  bool needs_cdc;  // reads a change log: the server kind must have `cdc`
};

std::span<const ServerKind> ServerKinds();
std::span<const SinkKind> SinkKinds();
std::span<const StrategyKind> StrategyKinds();  // in documentation order

// nullptr when `name` is not in the table.
const ServerKind* FindServerKind(std::string_view name);
const SinkKind* FindSinkKind(std::string_view name);
const StrategyKind* FindStrategyKind(std::string_view name);

// Names for messages and did-you-mean: available server kinds, every sink
// kind, every strategy; `cdc_only` keeps the server kinds with a change log.
std::vector<std::string> ServerKindNames(bool cdc_only = false);
std::vector<std::string> SinkKindNames();
std::vector<std::string> StrategyNames();

}  // namespace tributary
