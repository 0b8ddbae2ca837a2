// What `tributary check` verifies before a PostgreSQL table is captured with
// cdc, with the connected user's rights, reporting each prerequisite instead
// of stopping at the first: wal_level, the REPLICATION right, free
// replication slots, and per table its replica identity, the user's SELECT
// right and its publication (existing, or creatable by this user).
#pragma once

#include <vector>

#include "clients/postgres/pg_connection.h"
#include "config/project.h"
#include "source/source.h"

namespace tributary {

// One finding per prerequisite: the database's first, then each task's.
// Never throws for a failed prerequisite (it becomes a kFail finding);
// throws SourceError when the connection fails.
std::vector<SourceFinding> CheckPgChangeCapture(PgConnection& conn, const Project& project,
                                                const std::vector<Task>& tasks);

}  // namespace tributary
