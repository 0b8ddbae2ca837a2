// dbt's target/run_results.json (schema v4–v6): one entry per node a
// command executed (models, tests, seeds, snapshots); nodes that were not
// executed do not appear.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"

namespace tributary {

struct NodeResult {
  std::string unique_id;  // model.<package>.<name>, test.…
  // success | error | skipped | partial success | no-op | reused (models);
  // pass | fail | warn | error | skipped (tests).
  std::string status;
  double execution_seconds = 0;
  std::optional<TimePoint> started_at;    // the first timing entry's start
  std::optional<TimePoint> completed_at;  // the last timing entry's end
  int64_t rows_affected = -1;             // -1: the adapter did not say
  std::string message;                    // dbt's message in full (errors: the database's)

  // True for a model that did its work (success, no-op, reused).
  bool Built() const;
};

struct RunResults {
  std::string invocation_id;
  double elapsed_seconds = 0;
  std::vector<NodeResult> results;  // in the file's order

  const NodeResult* Find(const std::string& unique_id) const;
};

// Throws DbtError naming `display` when the text is not a run_results file.
RunResults ParseRunResults(const std::string& text, const std::string& display);
// Reads `path`; throws DbtError (also when it is missing).
RunResults LoadRunResults(const std::filesystem::path& path);

}  // namespace tributary
