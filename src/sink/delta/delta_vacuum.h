// Vacuum of a Delta table: data files no live version references are
// deleted once they are older than the retention (the table's
// delta.deletedFileRetentionDuration, 7 days by default), so readers of the
// versions inside that window (time travel, a query that started before a
// rewrite) still find their files; and log files past
// delta.logRetentionDuration (30 days by default) that a newer checkpoint
// makes unnecessary. Works on any store (store/): it lists and deletes keys.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "sink/delta/delta_table.h"
#include "sink/sink.h"

namespace tributary {

// Vacuums `table` (refreshed by the caller) as of `now_ms`. Files whose keys
// are in `keep` (written by an interrupted load that may still commit) are
// never deleted; nor are hidden files (a path segment starting with '_' or
// '.', e.g. staging folders) outside partition folders. REQUIRES: the caller
// holds the table's lock. Throws SinkError.
VacuumResult VacuumDeltaTable(DeltaTable& table, const VacuumOptions& options,
                              const std::set<std::string>& keep, int64_t now_ms);

// Deletes the log files (commits, checkpoints, checksums) of `table` older
// than its delta.logRetentionDuration whose versions are below the newest
// checkpoint that is itself older than it — so the table stays readable
// from that checkpoint on. Returns how many were deleted (or would be, with
// `dry_run`; their keys are appended to `deleted` when it is not null).
// Run after each checkpoint, so a table committed every few minutes keeps a
// bounded log. Throws SinkError.
int64_t CleanUpDeltaLog(DeltaTable& table, int64_t now_ms, bool dry_run,
                        std::vector<std::string>* deleted = nullptr);

}  // namespace tributary
