// `tributary check`: connects to every selected server and database (once
// each) and to the sink, and verifies with the configured user's own rights
// what a run will need — each table exists, each configured column exists, a
// custom query prepares, a zero-row read works, change capture's
// prerequisites hold — before a scheduled run finds out. One failing server
// never stops the checks of the others.
#pragma once

#include <string>
#include <vector>

#include "config/project.h"
#include "engine/connectors.h"
#include "source/source.h"

namespace tributary {

struct CheckRow {
  std::string server;    // "" for the sink
  std::string database;  // "" for the sink
  std::string table;     // source table ("schema.table") or query label; "" when database-wide
  std::string check;     // "connect", "table", "columns", "query", "read", "sink", cdc checks
  CheckStatus status = CheckStatus::kOk;
  std::string message;  // what was found and, unless ok, how to fix it
};

struct CheckReport {
  std::vector<CheckRow> rows;  // sources in the order of the tasks, then the sink
  int Count(CheckStatus status) const;
  bool failed() const { return Count(CheckStatus::kFail) > 0; }
};

// "ok", "warn", "fail".
const char* CheckStatusName(CheckStatus status);

// Runs every check for `tasks` and the project's sink. Never throws for a
// failed check (it becomes a kFail row). A server whose connection fails
// transiently (refused, timed out) is tried once: its other databases are
// reported as not tried instead of timing out again.
CheckReport RunChecks(const Project& project, const std::vector<Task>& tasks,
                      const Connectors& connectors);

}  // namespace tributary
