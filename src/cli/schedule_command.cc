// tributary schedule next: when each frequency fires next, in its own time
// zone and in UTC. tributary schedule run: the long-running scheduler
// (schedule/scheduler.h) wired to the engine and the sink.
#include <fmt/format.h>
#include <pthread.h>

#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "cli/cli.h"
#include "cli/progress.h"
#include "common/log.h"
#include "common/text_table.h"
#include "common/thread_name.h"
#include "config/kinds.h"
#include "cron/cron.h"
#include "engine/connectors.h"
#include "engine/runner.h"
#include "schedule/scheduler.h"
#include "serve/run_log_access.h"
#include "serve/status_server.h"

namespace tributary::cli {
namespace {

struct NextFlags {
  int count = 3;
  std::vector<std::string> frequencies;
};

struct RunFlags {
  std::vector<std::string> frequencies;
  int threads = 0;   // 0: the project's default
  std::string http;  // --http: also serve the status page here
};

bool Selected(const std::vector<std::string>& only, const std::string& name) {
  return only.empty() || std::find(only.begin(), only.end(), name) != only.end();
}

int PrintNext(const GlobalOptions& global, const NextFlags& flags) {
  auto project = LoadOrReport(global);
  if (!project) return kExitFailed;
  if (!CheckFrequencies(*project, flags.frequencies)) return kExitUsage;
  TextTable table({"frequency", "cron", "time zone", "local time", "UTC", "tables"});
  TimePoint now = SystemClock::Instance().Now();
  for (const auto& f : project->frequencies) {
    if (!Selected(flags.frequencies, f.name)) continue;
    size_t tables = std::count_if(project->tasks.begin(), project->tasks.end(),
                                  [&](const Task& t) { return t.frequency == f.name; });
    auto schedule = CronSchedule::Parse(f.cron, f.timezone);
    TimePoint at = now;
    for (int i = 0; i < flags.count; ++i) {
      auto next = schedule.Next(at);
      if (!next) break;
      std::string label = f.paused ? f.name + " (paused)" : f.name;
      table.AddRow({i == 0 ? label : "", i == 0 ? f.cron : "", i == 0 ? f.timezone : "",
                    FormatInstant(*next, f.timezone), FormatInstant(*next, "UTC"),
                    i == 0 ? std::to_string(tables) : ""});
      at = *next;
    }
  }
  std::cout << table.Render();
  return kExitOk;
}

// Runs the scheduler's runs through the engine, each run's loads followed by
// its dbt step. The sink is opened while any run (or record) needs it and
// closed in between, so `tributary status` can read a DuckDB sink between
// runs. With a one-file sink (DuckDB) a dbt step waits until no load holds
// the file and no load starts while it runs: dbt attaches bronze read-only.
class EngineActions final : public ScheduleActions {
 public:
  EngineActions(const Project& project, int threads)
      : project_(project), threads_(threads), single_file_(SingleFileSink(project)) {}

  std::string Run(const ScheduledRun& run) override {
    std::vector<Task> tasks;
    for (const auto& t : project_.tasks) {
      if (Selected(run.frequencies, t.frequency)) tasks.push_back(t);
    }
    RunOptions options;
    options.run_id = NewRunId(SystemClock::Instance());
    options.command = run.Describe();
    options.cancel = run.cancel;
    options.threads = threads_;
    options.limits.max_rows = static_cast<size_t>(project_.defaults.batch_rows);
    RunSummary summary;
    {
      Lease lease(*this);
      ConsoleProgress log_tables(false);
      summary = RunTasks(project_, tasks, *sink_, SystemClock::Instance(), options, log_tables);
    }
    std::string text = fmt::format("run {} {}: {} of {} tables failed", summary.run.run_id,
                                   summary.run.status, summary.failed(), summary.run.tasks_total);
    bool cancelled = run.cancel != nullptr && run.cancel->load();
    if (project_.dbt.enabled && !cancelled) text += "; " + BuildModels(run, summary);
    return text;
  }

  // A tick that started no run is recorded as a run of its own, with the
  // decision as its status (skipped, missed, dropped) and no tables.
  void Record(const Decision& d) override {
    RunRecord record;
    record.run_id = NewRunId(SystemClock::Instance());
    record.started_at = d.tick;  // the tick the decision is about
    record.ended_at = d.tick;
    record.status = DecisionName(d.kind);
    record.command = "schedule: " + Describe(d);
    Lease lease(*this);
    sink_->run_log().RecordRun(record);
  }

  // Calls `read` with the sink's run log for the status server: shares the
  // sink the runs have open, or opens it without waiting for another
  // process. Throws SinkBusyError while a dbt step has (or waits for) a
  // one-file sink's bronze: the server then shows what it read last.
  void WithRunLog(const std::function<void(RunLog&)>& read) {
    Lease lease(*this, /*wait=*/false);
    read(sink_->run_log());
  }

  // When each frequency's tables were all last attempted (see
  // SchedulerOptions::attempted_since).
  std::map<std::string, TimePoint> AttemptedSince() {
    Lease lease(*this);
    std::map<std::string, TimePoint> last;
    for (const auto& h : sink_->run_log().ReadHistory()) {
      if (h.last_attempt) last[h.task_id] = h.last_attempt->started_at;
    }
    std::map<std::string, TimePoint> since;
    std::set<std::string> never;
    for (const auto& t : project_.tasks) {
      auto it = last.find(t.id());
      if (it == last.end()) never.insert(t.frequency);
      if (it == last.end() || never.count(t.frequency)) continue;
      auto [at, fresh] = since.try_emplace(t.frequency, it->second);
      if (!fresh) at->second = std::min(at->second, it->second);
    }
    for (const auto& f : never) since.erase(f);
    return since;
  }

 private:
  static bool SingleFileSink(const Project& project) {
    const SinkKind* kind = FindSinkKind(project.sink.kind);
    return kind != nullptr && kind->single_file;
  }

  // The dbt step of `run`, logged model by model, then its Power BI
  // refreshes; returns a summary for the run's last log line.
  std::string BuildModels(const ScheduledRun& run, const RunSummary& summary) {
    BronzeForDbt bronze(*this);
    DbtStepResult result = RunAndRecordDbtStep(project_, run.frequencies, summary, run.cancel);
    int built = 0, unchanged = 0, failed = 0;
    for (const auto& y : result.yielded) Log(LogLevel::kInfo, "dbt: " + y + " (rule yield)");
    for (const auto& m : result.models) {
      built += m.status == "succeeded";
      unchanged += m.status == "unchanged";
      if (m.status == "succeeded" || m.status == "unchanged") continue;
      ++failed;
      Log(LogLevel::kError, "dbt: model " + m.status,
          {{"model", m.name}, {"frequency", m.frequency}, {"error", m.message}});
    }
    if (!result.error.empty()) Log(LogLevel::kError, result.error);
    std::string text =
        fmt::format("dbt {} built, {} unchanged, {} failed or skipped{}", built, unchanged, failed,
                    result.error.empty() ? "" : " (the step failed)");
    if (project_.powerbi.enabled) {
      // Still holding bronze: the refresh records its results in the sink.
      LoadFlags flags;
      flags.filter.frequencies = run.frequencies;
      bool ok = RunPowerBiAfterDbt(project_, flags, summary, run.cancel) == kExitOk;
      text += ok ? "; Power BI refreshed" : "; Power BI refresh failed";
    }
    return text;
  }

  // Keeps the sink open while alive; the last lease closes it (under the
  // mutex, so a new open never overlaps a close). Waits while a dbt step
  // has, or waits for, a one-file sink's bronze.
  class Lease {
   public:
    // Without `wait`: throws SinkBusyError instead of waiting for dbt or
    // for another process holding the sink.
    explicit Lease(EngineActions& a, bool wait = true) : a_(a) {
      std::unique_lock lock(a_.mutex_);
      if (!wait && (a_.dbt_active_ || a_.dbt_waiting_ > 0)) {
        throw SinkBusyError("a dbt step is building from the bronze file");
      }
      a_.changed_.wait(lock, [&] { return !a_.dbt_active_ && a_.dbt_waiting_ == 0; });
      if (a_.users_ == 0) a_.sink_ = wait ? OpenSink(a_.project_) : OpenSinkForReading(a_.project_);
      ++a_.users_;
    }
    ~Lease() {
      std::lock_guard lock(a_.mutex_);
      if (--a_.users_ == 0) a_.sink_.reset();
      a_.changed_.notify_all();
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

   private:
    EngineActions& a_;
  };

  // Held around a dbt step: with a one-file sink, waits until no lease holds
  // the file (new leases wait behind it) and keeps leases out until done.
  class BronzeForDbt {
   public:
    explicit BronzeForDbt(EngineActions& a) : a_(a) {
      if (!a_.single_file_) return;
      std::unique_lock lock(a_.mutex_);
      ++a_.dbt_waiting_;
      if (a_.users_ > 0 || a_.dbt_active_) {
        Log(LogLevel::kInfo, "dbt: waiting for the loads in flight to release the bronze file",
            {{"loads", a_.users_}, {"path", a_.project_.sink.path}});
      }
      a_.changed_.wait(lock, [&] { return a_.users_ == 0 && !a_.dbt_active_; });
      --a_.dbt_waiting_;
      a_.dbt_active_ = true;
    }
    ~BronzeForDbt() {
      if (!a_.single_file_) return;
      std::lock_guard lock(a_.mutex_);
      a_.dbt_active_ = false;
      a_.changed_.notify_all();
    }
    BronzeForDbt(const BronzeForDbt&) = delete;
    BronzeForDbt& operator=(const BronzeForDbt&) = delete;

   private:
    EngineActions& a_;
  };

  const Project& project_;
  const int threads_;
  const bool single_file_;
  std::mutex mutex_;
  std::condition_variable changed_;
  int users_ = 0;
  int dbt_waiting_ = 0;
  bool dbt_active_ = false;
  std::unique_ptr<Sink> sink_;
};

// SIGINT/SIGTERM are blocked in every thread and taken by this one, which
// asks the scheduler to stop; a second signal exits at once. Repeats within a
// second count as one: wrappers such as timeout(1) signal the process and
// then its whole process group.
class SignalThread {
 public:
  SignalThread() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);  // before any other thread starts
  }
  void Start(Scheduler& scheduler) {
    thread_ = std::thread([this, &scheduler] {
      NameThisThread("signals");
      Loop(scheduler);
    });
  }
  // The signals stay blocked: the process is about to exit.
  ~SignalThread() {
    done_ = true;
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Loop(Scheduler& scheduler) {
    std::optional<std::chrono::steady_clock::time_point> first;
    timespec slice{0, 200'000'000};
    while (!done_) {
      int sig = sigtimedwait(&set_, nullptr, &slice);
      if (sig < 0) continue;
      const char* name = sig == SIGINT ? "SIGINT" : "SIGTERM";
      auto now = std::chrono::steady_clock::now();
      if (first && now - *first < std::chrono::seconds(1)) continue;
      if (first) {
        Log(LogLevel::kWarn, "second signal: exiting now", {{"signal", name}});
        std::_Exit(kExitFailed);
      }
      Log(LogLevel::kInfo, "signal received: stopping (again to exit at once)", {{"signal", name}});
      first = now;
      scheduler.RequestStop();
    }
  }
  sigset_t set_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

// The status server's way to the run history inside the scheduler: through
// the runs' shared sink (EngineActions::WithRunLog), never a second DuckDB
// instance of the file in this process.
class SchedulerAccess final : public RunLogAccess {
 public:
  explicit SchedulerAccess(EngineActions& actions) : actions_(actions) {}
  void With(const std::function<void(RunLog&)>& read) override { actions_.WithRunLog(read); }
  std::vector<TaskHistory> BusyHistory(std::string*) override {
    throw SinkBusyError("the sink is in use by this scheduler's dbt step");
  }

 private:
  EngineActions& actions_;
};

// `--http ADDR`: the status page served beside the loop, from the runs'
// sink. Throws Error when it cannot listen.
std::unique_ptr<StatusServer> StartStatusServer(const Project& project, const std::string& listen,
                                                RunLogAccess& access) {
  ServeOptions options;
  ParseListenAddress(listen, options);
  options.token = ResolveServeToken(project);
  auto server = std::make_unique<StatusServer>(project, project.tasks, access, options);
  server->Bind();
  server->Start();
  Log(LogLevel::kInfo, "serving the status page",
      {{"url", "http://" + options.host + ":" + std::to_string(server->Port()) + "/"}});
  return server;
}

int RunScheduler(const GlobalOptions& global, const RunFlags& flags) {
  SignalThread signals;
  auto project = LoadOrReport(global);
  if (!project) return kExitFailed;
  if (!CheckFrequencies(*project, flags.frequencies)) return kExitUsage;
  EngineActions actions(*project, flags.threads > 0 ? flags.threads : project->defaults.threads);
  SchedulerOptions options;
  options.frequencies = flags.frequencies;
  options.attempted_since = actions.AttemptedSince();
  SystemTimer timer;
  Scheduler scheduler(*project, timer, actions, options);
  if (scheduler.Scheduled().empty()) {
    std::cerr << "tributary: nothing to schedule: every selected frequency is paused or has no "
                 "tables (see `tributary schedule next` and `tributary plan`)\n";
    return kExitFailed;
  }
  SchedulerAccess access(actions);
  std::unique_ptr<StatusServer> server;
  if (!flags.http.empty()) {
    try {
      server = StartStatusServer(*project, flags.http, access);
    } catch (const Error& e) {
      std::cerr << "tributary: --http: " << e.what() << "\n";
      return kExitFailed;
    }
  }
  signals.Start(scheduler);
  scheduler.Run();
  if (server) server->Stop();
  return kExitOk;
}

constexpr const char* kRunFooter =
    "Runs until SIGTERM or SIGINT (Ctrl-C), then stops taking work, cancels the runs in flight\n"
    "(their unfinished tables roll back) and exits 0; a second signal (a second or more later)\n"
    "exits at once.\n\n"
    "At each tick the due frequencies' tables are loaded as `tributary run` would, then their\n"
    "dbt models are built (with a dbt: block; a DuckDB sink's loads wait while dbt reads it).\n"
    "Frequencies due at the same instant share one run: each table loaded once, each model\n"
    "built once. A frequency never overlaps itself: a tick that finds its previous run going is\n"
    "skipped or queued (`overlap`). Ticks missed while no scheduler ran are caught up once at\n"
    "start (`catch_up`). Every decision is logged and recorded in the sink's _tributary.runs\n"
    "(status skipped/missed/dropped for ticks that started no run). See docs/scheduling.md.";

}  // namespace

void AddScheduleCommand(CLI::App& app, GlobalOptions& global) {
  auto* cmd =
      app.add_subcommand("schedule", "Run the frequencies on their schedules, or show them");
  cmd->require_subcommand(1);
  auto next_flags = std::make_shared<NextFlags>();
  auto* next = cmd->add_subcommand("next", "Print the next fire times of each frequency");
  next->add_option("-n,--count", next_flags->count, "Fire times per frequency")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  next->add_option("--frequency", next_flags->frequencies, "Only these frequencies")
      ->delimiter(',');
  next->callback([&global, next_flags] { global.exit_code = PrintNext(global, *next_flags); });

  auto run_flags = std::make_shared<RunFlags>();
  auto* run = cmd->add_subcommand("run", "Run every frequency on its schedule, until stopped");
  run->footer(kRunFooter);
  run->add_option("--frequency", run_flags->frequencies, "Only these frequencies")->delimiter(',');
  run->add_option("-j,--threads", run_flags->threads,
                  "Tables loaded at once per run (default: defaults.threads)")
      ->check(CLI::Range(1, 256));
  run->add_option("--http", run_flags->http,
                  "Also serve the status page, API and metrics on this host:port (as `tributary "
                  "serve`; docs/status-page.md)");
  run->callback([&global, run_flags] { global.exit_code = RunScheduler(global, *run_flags); });
}

}  // namespace tributary::cli
