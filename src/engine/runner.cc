#include "engine/runner.h"

#include <fcntl.h>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <random>
#include <thread>

#include "common/error.h"
#include "common/log.h"
#include "common/thread_name.h"
#include "engine/connectors.h"
#include "engine/retry.h"

namespace tributary {
namespace {

// An exclusive flock on <dir>/<task id>.lock held while one table loads, so
// no two runs — threads or processes — load a table at once. The kernel
// releases it when the process dies; the file stays (deleting it would race).
class TableLock {
 public:
  // Waits until the table is free, polling so `cancel` is honoured. Throws
  // Error when the lock file cannot be opened, CancelledError on shutdown.
  TableLock(const std::filesystem::path& dir, const std::string& task_id, const std::string& run_id,
            const std::atomic<bool>* cancel) {
    std::string name = task_id;
    for (char& c : name) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') c = '_';
    }
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    auto path = dir / (name + ".lock");
    fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      throw Error(
          fmt::format("cannot open the table lock {}: {}; set scheduler.lock_dir to a "
                      "writable folder",
                      path.string(), std::strerror(errno)));
    }
    Acquire(task_id, cancel);
    std::string holder = fmt::format("pid {} run {}\n", getpid(), run_id);
    if (ftruncate(fd_, 0) != 0 || pwrite(fd_, holder.data(), holder.size(), 0) < 0) {
      Log(LogLevel::kDebug, "could not note the lock holder", {{"task", task_id}});
    }
  }
  ~TableLock() { close(fd_); }
  TableLock(const TableLock&) = delete;
  TableLock& operator=(const TableLock&) = delete;

 private:
  void Acquire(const std::string& task_id, const std::atomic<bool>* cancel) {
    bool told = false;
    while (flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      if (errno != EWOULDBLOCK && errno != EINTR) {
        close(fd_);
        throw Error(fmt::format("cannot lock table '{}': {}", task_id, std::strerror(errno)));
      }
      if (cancel != nullptr && cancel->load()) {
        close(fd_);
        throw CancelledError("cancelled while waiting for another run to finish this table");
      }
      if (!told) {
        char holder[128] = {};
        ssize_t n = pread(fd_, holder, sizeof(holder) - 1, 0);
        std::string who = n > 0 ? std::string(holder, static_cast<size_t>(n)) : "";
        Log(LogLevel::kInfo, "waiting: another run is loading this table",
            {{"task", task_id}, {"holder", who.substr(0, who.find('\n'))}});
        told = true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  int fd_ = -1;
};

std::filesystem::path LockDir(const Project& project) {
  if (project.dir.empty() || project.scheduler.lock_dir.empty()) return {};
  return project.dir / project.scheduler.lock_dir;
}

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

// The sink table's row count after a load, for the run history; -1 when the
// sink cannot tell (a failure to count never fails the load).
int64_t TableRowsAfterLoad(Sink& sink, const Task& task) {
  try {
    return sink.TableRows(task.id()).value_or(-1);
  } catch (const std::exception& e) {
    Log(LogLevel::kWarn, "could not count the rows of the sink table",
        {{"table", task.id()}, {"error", e.what()}});
    return -1;
  }
}

// The source's estimate of the rows a whole-table load (full,
// selected_columns) reads; -1 for other strategies, a reload by an incremental
// one, or when the source cannot tell. Never fails the load.
int64_t EstimateRowsOf(const Task& task, Source& source) {
  if (task.strategy != "full" && task.strategy != "selected_columns") return -1;
  try {
    auto rows = source.EstimateRows(TableRef{task.source_schema, task.source_table});
    return rows && *rows > 0 ? *rows : -1;
  } catch (const std::exception& e) {
    Log(LogLevel::kDebug, "no row estimate", {{"table", task.id()}, {"error", e.what()}});
    return -1;
  }
}

// One try of a task's load on an open source.
LoadStats LoadOnce(const Project& project, const Task& task, Source& source, Sink& sink,
                   const Clock& clock, const RunOptions& options, const std::string& run_id,
                   const ServerConfig& server, const Connectors& connectors,
                   TaskProgress& progress) {
  auto strategy = MakeStrategy(task.strategy);
  TaskContext ctx{task,   source,         sink,           clock,         progress,
                  run_id, options.limits, options.cancel, options.reload};
  source.SetQueryTag(QueryTag(ctx));
  ctx.open_cdc = [&connectors, &project, &server, &task] {
    return connectors.open_cdc_reader(project, server, task);
  };
  return strategy->Run(ctx);
}

// Loads one task; every failure becomes the result's error. A transient
// source error is retried as a whole load on a new connection: safe because
// every commit of a strategy stores the task's state with its data in one
// transaction, so a try that failed before committing left nothing, and one
// that committed part (cdc's batches) resumes from that state like the next
// run would — nothing is loaded twice.
TaskResult RunOne(const Project& project, const Task& task, Sink& sink, const Clock& clock,
                  const RunOptions& options, const std::string& run_id, RunObserver& observer,
                  ServerReachability& servers) {
  TaskResult result = NewResult(task, run_id, clock.Now());
  TaskProgress progress;
  observer.TaskStarted(task, progress);
  try {
    std::optional<TableLock> lock;
    if (auto dir = LockDir(project); !dir.empty())
      lock.emplace(dir, task.id(), run_id, options.cancel);
    const ServerConfig* server = project.FindServer(task.server);
    if (server == nullptr) throw Error(fmt::format("unknown server '{}'", task.server));
    const Connectors& connectors = options.connectors ? *options.connectors : RealConnectors();
    int attempts = RetryPolicyOf(*server).attempts;
    LoadStats stats;
    for (int attempt = 1;; ++attempt) {
      auto source = servers.Open(project, *server, task.database, task.id());
      if (options.estimate_rows && attempt == 1)
        progress.SetEstimate(EstimateRowsOf(task, *source));
      try {
        stats = LoadOnce(project, task, *source, sink, clock, options, run_id, *server, connectors,
                         progress);
        break;
      } catch (const TransientSourceError& e) {
        if (attempt >= attempts ||
            !servers.WaitBeforeRetry(*server, task.database, task.id(), attempt + 1, e.what()))
          throw;
        progress.Reset();
      }
    }
    result.rows = stats.rows;
    result.bytes = stats.bytes;
    result.status = "succeeded";
    result.table_rows = TableRowsAfterLoad(sink, task);
  } catch (const std::exception& e) {
    result.rows = progress.rows();
    result.bytes = progress.bytes();
    result.status = "failed";
    result.error = e.what();
  }
  result.ended_at = clock.Now();
  try {
    sink.run_log().RecordTaskResult(result);
  } catch (const std::exception& e) {
    Log(LogLevel::kError, "could not record the task result",
        {{"task", task.id()}, {"error", e.what()}});
  }
  observer.TaskFinished(task, result);
  return result;
}

// The loads' closing event ("loads finished": the scheduler's own "run
// finished" follows a scheduled run): what a log reader needs without the
// run history.
void LogRunFinished(const RunSummary& summary) {
  const RunRecord& run = summary.run;
  int64_t rows = 0, bytes = 0;
  for (const auto& r : summary.results) {
    rows += std::max<int64_t>(r.rows, 0);
    bytes += std::max<int64_t>(r.bytes, 0);
  }
  double seconds =
      run.ended_at ? std::chrono::duration<double>(*run.ended_at - run.started_at).count() : 0;
  Log(run.status == "succeeded" ? LogLevel::kInfo : LogLevel::kError, "loads finished",
      {{"status", run.status},
       {"tables", run.tasks_total},
       {"tables_failed", run.tasks_failed},
       {"tables_done", summary.results.size()},
       {"rows", rows},
       {"bytes", bytes},
       {"seconds", seconds}});
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
  sink.run_log().RecordRun(run);
  LogScope run_scope(LogFields{{"run_id", run.run_id}});
  observer.RunStarted(run);

  summary.results.resize(tasks.size());
  ServerReachability servers(options.connectors ? *options.connectors : RealConnectors(),
                             options.retry_sleep, options.cancel);
  std::atomic<size_t> next{0};
  auto worker = [&] {
    LogScope scope(LogFields{{"run_id", run.run_id}});
    for (size_t i; (i = next.fetch_add(1)) < tasks.size();) {
      if (options.cancel != nullptr && options.cancel->load()) break;
      LogScope task_scope(LogFields{{"table", tasks[i].id()}});
      summary.results[i] =
          RunOne(project, tasks[i], sink, clock, options, run.run_id, observer, servers);
    }
  };
  size_t n = std::min(static_cast<size_t>(std::max(options.threads, 1)),
                      std::max<size_t>(tasks.size(), 1));
  std::vector<std::thread> workers;
  for (size_t t = 1; t < n; ++t) {
    workers.emplace_back([&worker, t] {
      NameThisThread(fmt::format("task-{}", t + 1));
      worker();
    });
  }
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
  sink.run_log().RecordRun(run);
  LogRunFinished(summary);
  return summary;
}

}  // namespace tributary
