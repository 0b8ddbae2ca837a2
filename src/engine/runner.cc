#include "engine/runner.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <random>
#include <thread>

#include "common/error.h"
#include "common/log.h"
#include "source/open_source.h"

namespace tributary {
namespace {

TaskResult NewResult(const Task& task, const std::string& run_id, TimePoint now) {
  TaskResult r;
  r.run_id = run_id;
  r.task_id = task.id();
  r.strategy = task.strategy;
  r.server = task.server;
  r.database = task.database;
  r.source_table =
      task.source_schema.empty() ? task.source_table : task.source_schema + "." + task.source_table;
  r.frequency = task.frequency;
  r.started_at = now;
  return r;
}

// Loads one task; every failure becomes the result's error.
TaskResult RunOne(const Project& project, const Task& task, Sink& sink, const Clock& clock,
                  const RunOptions& options, const std::string& run_id, RunObserver& observer) {
  TaskResult result = NewResult(task, run_id, clock.Now());
  TaskProgress progress;
  observer.TaskStarted(task, progress);
  try {
    const ServerConfig* server = project.FindServer(task.server);
    if (server == nullptr) throw Error(fmt::format("unknown server '{}'", task.server));
    auto source = OpenSource(project, *server, task.database);
    auto strategy = MakeStrategy(task.strategy);
    TaskContext ctx{task, *source, sink, clock, progress, run_id, options.limits, options.cancel};
    LoadStats stats = strategy->Run(ctx);
    result.rows = stats.rows;
    result.bytes = stats.bytes;
    result.status = "succeeded";
  } catch (const std::exception& e) {
    result.rows = progress.rows();
    result.bytes = progress.bytes();
    result.status = "failed";
    result.error = e.what();
  }
  result.ended_at = clock.Now();
  try {
    sink.RecordTaskResult(result);
  } catch (const std::exception& e) {
    Log(LogLevel::kError, "could not record the task result",
        {{"task", task.id()}, {"error", e.what()}});
  }
  observer.TaskFinished(task, result);
  return result;
}

}  // namespace

std::string NewRunId(const Clock& clock) {
  auto now = std::chrono::floor<std::chrono::seconds>(clock.Now());
  static thread_local std::mt19937 rng(std::random_device{}());
  return fmt::format("{:%Y%m%dT%H%M%S}Z-{:06x}", now, rng() & 0xFFFFFF);
}

RunSummary RunTasks(const Project& project, const std::vector<Task>& tasks, Sink& sink,
                    const Clock& clock, const RunOptions& options, RunObserver& observer) {
  RunSummary summary;
  RunRecord& run = summary.run;
  run.run_id = options.run_id.empty() ? NewRunId(clock) : options.run_id;
  run.started_at = clock.Now();
  run.status = "running";
  run.command = options.command;
  run.tasks_total = static_cast<int>(tasks.size());
  sink.RecordRun(run);
  observer.RunStarted(run);

  summary.results.resize(tasks.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1)) < tasks.size();) {
      if (options.cancel != nullptr && options.cancel->load()) break;
      summary.results[i] = RunOne(project, tasks[i], sink, clock, options, run.run_id, observer);
    }
  };
  size_t n = std::min(static_cast<size_t>(std::max(options.threads, 1)),
                      std::max<size_t>(tasks.size(), 1));
  std::vector<std::thread> workers;
  for (size_t t = 1; t < n; ++t) workers.emplace_back(worker);
  worker();
  for (auto& w : workers) w.join();

  // Tasks never started (shutdown) are dropped from the summary.
  std::erase_if(summary.results, [](const TaskResult& r) { return r.status.empty(); });
  run.tasks_failed =
      static_cast<int>(std::count_if(summary.results.begin(), summary.results.end(),
                                     [](auto& r) { return r.status != "succeeded"; }));
  bool complete = summary.results.size() == tasks.size();
  run.status =
      run.tasks_failed == 0 && complete ? "succeeded" : (complete ? "failed" : "cancelled");
  run.ended_at = clock.Now();
  sink.RecordRun(run);
  return summary;
}

}  // namespace tributary
