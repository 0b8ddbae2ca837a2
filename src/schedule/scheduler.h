// The long-running scheduler behind `tributary schedule run`. At each due
// instant it runs the tables of the due frequencies:
// - frequencies due at the same instant are coalesced into one run, in which
//   each table is loaded once;
// - a frequency never overlaps itself: a tick that finds its previous run
//   still going is skipped or queued (FrequencyConfig::overlap);
// - ticks missed while no scheduler ran, or noticed too late, are caught up
//   once, not once per tick (FrequencyConfig::catch_up);
// - a run past its frequency's timeout is cancelled;
// - RequestStop() stops taking work, cancels in-flight runs (their unfinished
//   tables roll back) and returns once they ended.
// Every decision is logged, and handed to ScheduleActions to be recorded.
// The scheduler knows no engine or sink: ScheduleActions runs and records.
#pragma once

#include <atomic>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/project.h"
#include "cron/cron.h"
#include "schedule/timer.h"

namespace tributary {

enum class DecisionKind {
  kFired,     // a tick, at its time: in a run
  kCaughtUp,  // one or more ticks missed (downtime, late wake-up): in one run
  kQueued,    // a tick that found the previous run going, waiting (overlap: queue)
  kDequeued,  // a queued tick, now in a run
  kSkipped,   // a tick that found the previous run going (overlap: skip, or one queued)
  kMissed,    // missed ticks not caught up (catch_up: none)
  kDropped,   // a queued tick dropped at shutdown
};

// "fired", "caught up", "queued", "ran queued", "skipped", "missed", "dropped".
const char* DecisionName(DecisionKind kind);

struct Decision {
  DecisionKind kind = DecisionKind::kFired;
  std::string frequency;
  TimePoint tick;      // the (latest) tick concerned
  std::string detail;  // why, in words; may be empty
};

// "caught up hourly@2026-05-13T05:00:00Z (4 ticks missed since ...)".
std::string Describe(const Decision& decision);

struct ScheduledRun {
  TimePoint at;                               // when the scheduler started it
  std::vector<std::string> frequencies;       // load every table of these, each once
  std::vector<Decision> decisions;            // why each frequency is in it
  const std::atomic<bool>* cancel = nullptr;  // set on timeout or shutdown

  bool coalesced() const { return frequencies.size() > 1; }
  // Recorded as the run's command: "schedule: fired daily@…, fired
  // hourly@… (coalesced: 2 frequencies, one run)".
  std::string Describe() const;
};

// What the scheduler acts through: the CLI wires the engine and the sink in,
// tests a fake.
class ScheduleActions {
 public:
  virtual ~ScheduleActions() = default;
  // Runs to the end; called on a thread of its own, maybe while runs of
  // other frequencies go on. Must honour run.cancel. Returns the outcome in a
  // few words for the log. Exceptions are logged as the run's outcome.
  virtual std::string Run(const ScheduledRun& run) = 0;
  // Records a decision that starts no run (skipped, missed, dropped). Called
  // on the scheduler's thread.
  virtual void Record(const Decision& decision) = 0;
};

struct SchedulerOptions {
  std::vector<std::string> frequencies;  // schedule only these; empty: all
  // Per frequency, when the oldest "last attempt" of its tables started;
  // absent when one of its tables was never attempted. Ticks after it and
  // before the start are missed ticks (catch_up).
  std::map<std::string, TimePoint> attempted_since;
};

class Scheduler {
 public:
  // REQUIRES: the project was validated (every cron parses). The references
  // outlive the scheduler.
  Scheduler(const Project& project, Timer& timer, ScheduleActions& actions,
            SchedulerOptions options);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // The frequencies that will be scheduled (not paused, with tables).
  std::vector<std::string> Scheduled() const;
  // Schedules until RequestStop(); returns when every run it started ended.
  void Run();
  // Thread-safe; not async-signal-safe (use a signal-handling thread).
  void RequestStop();

 private:
  struct InFlight;
  struct Frequency;

  void Start(TimePoint now, std::vector<Decision>& due);
  void CollectDue(TimePoint now, std::vector<Decision>& due);
  void Admit(Frequency& f, Decision d, std::vector<Decision>& group);
  void AddQueued(std::vector<Decision>& group);
  void Launch(std::vector<Decision> group, TimePoint now);
  void Reap();
  void EnforceTimeouts(TimePoint now);
  TimePoint NextWake() const;
  void Shutdown();
  void Note(const Decision& d, bool record);
  Frequency* Find(const std::string& name);

  const Project& project_;
  Timer& timer_;
  ScheduleActions& actions_;
  SchedulerOptions options_;
  std::chrono::seconds grace_;
  std::vector<Frequency> frequencies_;
  std::list<std::unique_ptr<InFlight>> in_flight_;
  std::atomic<bool> stop_{false};
};

}  // namespace tributary
