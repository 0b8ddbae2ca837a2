// Runs a set of tasks: in parallel, each isolated (one failing never stops
// the others), every result recorded in the sink.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "config/project.h"
#include "engine/connectors.h"
#include "sink/sink.h"
#include "strategy/strategy.h"

namespace tributary {

struct RunOptions {
  std::string run_id;   // empty: NewRunId()
  std::string command;  // how the run was asked for; recorded with it
  int threads = 4;
  BatchLimits limits;
  const std::atomic<bool>* cancel = nullptr;  // stop taking new tasks, abort loads
  Reload reload;  // --full-refresh / backfill: applies to every task of the run
  // How tasks open their sources; nullptr: RealConnectors(). Tests pass their
  // own to make a source fail, hang or be slow without a database.
  const Connectors* connectors = nullptr;
  // How a retry after a transient source error waits (engine/retry.h);
  // nullptr: sleeps, waking early on cancel. Tests record the waits instead.
  std::function<void(std::chrono::milliseconds)> retry_sleep;
  // Ask each source for its estimate of a whole-table read's rows
  // (Source::EstimateRows) before the load starts, for TaskProgress::estimate:
  // the live progress display's percentage and ETA. A failure is ignored.
  bool estimate_rows = false;
};

// Watches a run as it happens (progress display, logs). Called from worker
// threads concurrently: implementations must be thread-safe.
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual void RunStarted(const RunRecord&) {}
  // `progress` stays valid until TaskFinished for the same task returns.
  virtual void TaskStarted(const Task&, const TaskProgress& /*progress*/) {}
  virtual void TaskFinished(const Task&, const TaskResult&) {}
};

struct RunSummary {
  RunRecord run;
  std::vector<TaskResult> results;  // in the order of the tasks given
  int failed() const { return run.tasks_failed; }
};

// A sortable, unique id: 20261124T210501Z-3f9a1c.
std::string NewRunId(const Clock& clock);

// Executes `tasks` with up to options.threads at once. Never throws for a
// task's failure: it is recorded in its TaskResult. A transient source
// failure (TransientSourceError) of a connection or of a load is tried again
// per the server's retry settings (engine/retry.h); a server that stays
// unreachable is reported once and its other tasks fail at once. Throws SinkError only if
// the run itself cannot be recorded. Each table is loaded under an exclusive
// lock file in project.dir/project.scheduler.lock_dir: a table another run
// (thread or process) is loading is waited for, never loaded twice at once.
RunSummary RunTasks(const Project& project, const std::vector<Task>& tasks, Sink& sink,
                    const Clock& clock, const RunOptions& options, RunObserver& observer);

}  // namespace tributary
