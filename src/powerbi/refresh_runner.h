// The refresh step: for each semantic model of a plan, ONE refresh request
// naming its due tables (an enhanced refresh: type full, transactional,
// `objects`, `applyRefreshPolicy` when a table has an incremental policy; on
// shared capacity a plain whole-model refresh), then its state polled with
// back-off until it ends. A model already refreshing (409, or 400 "already
// in progress") is waited for, and its tables go into the next request for
// that model, whichever process sends it (refresh_queue.h); 429 is
// waited out (Retry-After); a refresh still going at the deadline, or when
// the run is cancelled, is cancelled (DELETE). Semantic models refresh in
// parallel, each on its own thread; one failing never stops the others.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "common/clock.h"
#include "config/project.h"
#include "powerbi/powerbi_client.h"
#include "powerbi/refresh_plan.h"
#include "powerbi/refresh_queue.h"

namespace tributary {

struct RefreshOptions {
  std::chrono::milliseconds timeout{0};  // per semantic model; 0: powerbi.timeout_minutes
  std::chrono::milliseconds first_poll{5'000};
  std::chrono::milliseconds max_poll{60'000};
  int max_poll_failures = 3;  // polls in a row that got no answer before giving up
  const std::atomic<bool>* cancel = nullptr;
  HttpOptions http;  // retries of each call (5xx, 429, dropped connections)
};

struct TableOutcome {
  PowerBiTableRef ref;
  std::string status;  // succeeded | failed
  TimePoint started_at;
  TimePoint ended_at;
  std::string error;       // names the semantic model and the table; never a secret
  std::string request_id;  // Power BI's id of the refresh, "" when none started
};

// The JSON body of the refresh request for `tables` (exposed for tests and
// docs/powerbi.md).
std::string RefreshBody(const PowerBiConfig& config, const std::vector<QueuedTable>& tables,
                        std::chrono::milliseconds timeout);

// Runs every refresh of `plan`, in parallel, and returns one outcome per
// planned table (skipped tables included, as failures), in plan order.
// Never throws for Power BI's failures (a secret that cannot be resolved
// included): they are in the outcomes.
std::vector<TableOutcome> RunRefreshes(const Project& project, const RefreshPlan& plan,
                                       const RefreshOptions& options, const Clock& clock);

}  // namespace tributary
