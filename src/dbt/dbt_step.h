// The dbt step of a run: after the loads, `dbt parse` (to read the effective
// tags), the selection (dbt/selection.h), one `dbt build` naming the models,
// and the verdict per model from run_results.json. One dbt invocation at a
// time per project (a lock file): dbt's target path and, with DuckDB, its
// warehouse file admit one writer.
//
// REQUIRES of the caller: nothing holds the bronze DuckDB file open for
// writing (close the sink first), since dbt-duckdb attaches it read-only.
#pragma once

#include <atomic>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "config/project.h"
#include "dbt/manifest.h"
#include "dbt/selection.h"
#include "sink/run_log.h"

namespace tributary {

struct ModelOutcome {
  std::string unique_id;
  std::string name;
  std::string frequency;
  std::string status;  // succeeded | failed | skipped | unchanged (see run_log.h)
  TimePoint started_at;
  TimePoint ended_at;
  int64_t rows = -1;    // rows affected; -1 when the adapter does not say
  std::string message;  // the reason for failed and skipped, dbt's message in full
};

struct DbtStepRequest {
  std::string run_id;
  std::vector<std::string> frequencies;  // empty: every frequency
  std::set<std::string> failed_tables;
  // The run log's history after this run's loads: read by skip_unchanged.
  std::vector<TaskHistory> history;
  const std::atomic<bool>* cancel = nullptr;
};

struct DbtStepResult {
  std::vector<ModelOutcome> models;  // built, failed and skipped, by unique_id
  std::vector<std::string> yielded;  // "hourly → daily"
  std::string error;                 // the step as a whole failed (parse, start); "" otherwise
  std::filesystem::path log_file;    // dbt's output for this run
  int dbt_exit_code = 0;

  bool ok() const;  // no error, every model built or unchanged
};

// Runs the step. Never throws for dbt's failures: they are in the result.
DbtStepResult RunDbtStep(const Project& project, const DbtStepRequest& request, const Clock& clock);

// What a run's dbt step would build, without building (for `plan`): parses
// the project when dbt can be found, else reads the last manifest. Throws
// DbtError when no manifest can be had.
ModelSelection PlanDbtStep(const Project& project, const Manifest& manifest,
                           const std::vector<std::string>& frequencies, TimePoint now);

// The freshest manifest: `dbt parse` when `parse` and the executable exists,
// otherwise the one tributary's last parse or the user's last dbt command
// left. Throws DbtError when there is none (or parsing fails). `note`, when
// given, says which manifest was used if not a fresh parse.
Manifest ObtainManifest(const Project& project, bool parse, std::string* note);

}  // namespace tributary
