// A copy of the run history beside a DuckDB sink file (`<file>.history.json`),
// rewritten by the process that has the file open after every run and task
// record. DuckDB lets one process open the file at a time, so `status` reads
// this copy while a run holds the file (duckdb_file_wait.h).
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

#include "common/clock.h"
#include "sink/run_log.h"

namespace tributary {

struct HistorySnapshot {
  TimePoint written_at;
  std::vector<TaskHistory> history;
};

std::filesystem::path HistorySnapshotPath(const std::filesystem::path& file);

// Replaces the snapshot of `file` atomically (readers see the old or the new
// one, whole). Throws SinkError.
void WriteHistorySnapshot(const std::filesystem::path& file, const HistorySnapshot& snapshot);

// The snapshot of `file`; nullopt when there is none or it cannot be read.
std::optional<HistorySnapshot> ReadHistorySnapshot(const std::filesystem::path& file);

}  // namespace tributary
