// sources.yml for the bronze tables, so a dbt project reads them without
// hand-written source definitions: one dbt source whose tables are every
// table tributary loads (a CDC table's `_current` state table too), each
// tagged with its frequency, described by where it comes from, and with a
// freshness check derived from its schedule. dbt (1.10+) asks tributary's
// run history when a table last loaded (`loaded_at_query`): a load that found
// nothing new still counts as fresh. Where the history is not readable by SQL
// (the Delta sink), tables use their `_ingested_at` load metadata column; a
// table with `load_metadata: false` (and not CDC) then gets no freshness check.
#pragma once

#include <string>

#include "config/project.h"

namespace tributary {

struct SourcesOptions {
  std::string source_name = "bronze";  // the first argument of source() in models
  // The catalog dbt finds bronze in: DuckDB, the alias of the attached file
  // (default: its file name without extension, DuckDB's own default);
  // PostgreSQL, the sink's database. "": not written.
  std::string database;
};

// The catalog SourcesOptions::database defaults to for `project`'s sink.
std::string DefaultSourceDatabase(const Project& project);

// Freshness thresholds from a frequency's schedule: a warning once one
// scheduled load was missed (twice the longest gap between two fires), an
// error after two (three times), in whole minutes. {0, 0} when the schedule
// cannot be read.
struct FreshnessMinutes {
  long warn = 0;
  long error = 0;
};
FreshnessMinutes FreshnessOf(const FrequencyConfig& frequency);

// The YAML text (dbt properties file, version 2).
std::string RenderSources(const Project& project, const SourcesOptions& options);

}  // namespace tributary
