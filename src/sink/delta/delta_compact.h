// Compaction of a Delta table: the small data files of each partition are
// rewritten into files of about the target size, in one commit whose add and
// remove actions carry dataChange=false (readers of the change feed see no
// change). Frequent small loads leave many small files; this keeps reads fast.
#pragma once

#include <duckdb.h>

#include <cstdint>

#include "sink/delta/delta_table.h"
#include "sink/sink.h"

namespace tributary {

// Rewrites every group of at least two files smaller than half of
// `target_file_bytes` that share their partition values. The table must have
// been refreshed; a conflicting concurrent commit fails with SinkError and
// leaves the table as it was. REQUIRES: the caller holds the table's lock.
CompactResult CompactDeltaTable(DeltaTable& table, duckdb_connection conn,
                                int64_t target_file_bytes, int64_t now_ms);

}  // namespace tributary
