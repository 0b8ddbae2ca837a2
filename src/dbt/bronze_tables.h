// Which dbt sources are tributary's bronze tables: a source whose schema is
// the sink's schema (compared case-insensitively, as DuckDB and PostgreSQL
// fold unquoted names) reads the sink table named by its identifier. The
// source's database is not compared: dbt-duckdb names an attached bronze file
// by its alias, which tributary cannot know.
#pragma once

#include <string>
#include <vector>

#include "config/project.h"
#include "dbt/manifest.h"

namespace tributary {

// True when `source` points into the sink's bronze schema (for a Delta sink,
// which has no schema: never; such sources are matched by identifier only).
bool InBronzeSchema(const DbtSource& source, const Project& project);

// The task that loads the table `source` reads, or nullptr. A CDC task's
// `<sink_table>_current` table counts as loaded by it.
const Task* BronzeTask(const DbtSource& source, const Project& project);

// Every sink table tributary loads (for did-you-mean hints).
std::vector<std::string> BronzeTableNames(const Project& project);

}  // namespace tributary
