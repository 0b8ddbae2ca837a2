#include "schedule/scheduler.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <thread>

#include "common/allocator.h"
#include "common/log.h"
#include "common/thread_name.h"

namespace tributary {
namespace {

constexpr int kCountCap = 1000;  // missed ticks are counted up to this ("1000+")

std::string Utc(TimePoint t) {
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", std::chrono::floor<std::chrono::seconds>(t));
}

// Ticks of `schedule` in (after, upto].
int CountTicks(const CronSchedule& schedule, TimePoint after, TimePoint upto) {
  int n = 0;
  for (auto t = schedule.Next(after); t && *t <= upto && n < kCountCap; t = schedule.Next(*t)) ++n;
  return n;
}

std::string Missed(int n, TimePoint since) {
  return fmt::format("{}{} tick{} missed since {}", n, n >= kCountCap ? "+" : "", n == 1 ? "" : "s",
                     Utc(since));
}

}  // namespace

const char* DecisionName(DecisionKind kind) {
  switch (kind) {
    case DecisionKind::kFired:
      return "fired";
    case DecisionKind::kCaughtUp:
      return "caught up";
    case DecisionKind::kQueued:
      return "queued";
    case DecisionKind::kDequeued:
      return "ran queued";
    case DecisionKind::kSkipped:
      return "skipped";
    case DecisionKind::kMissed:
      return "missed";
    case DecisionKind::kDropped:
      return "dropped";
  }
  return "?";
}

std::string Describe(const Decision& d) {
  std::string out = fmt::format("{} {}@{}", DecisionName(d.kind), d.frequency, Utc(d.tick));
  return d.detail.empty() ? out : out + " (" + d.detail + ")";
}

std::string ScheduledRun::Describe() const {
  std::string out = "schedule:";
  for (size_t i = 0; i < decisions.size(); ++i) {
    out += (i == 0 ? " " : ", ") + tributary::Describe(decisions[i]);
  }
  if (coalesced()) out += fmt::format("; coalesced: {} frequencies, one run", frequencies.size());
  return out;
}

struct Scheduler::Frequency {
  const FrequencyConfig* config;
  CronSchedule schedule;
  std::optional<TimePoint> next;  // the next tick not yet handled
  InFlight* running = nullptr;    // its run in flight, if any
  std::optional<Decision> queued;
};

struct Scheduler::InFlight {
  ScheduledRun run;
  std::atomic<bool> cancel{false};
  std::atomic<bool> done{false};
  std::optional<TimePoint> deadline;  // timeout
  std::string outcome;                // written before `done`
  std::thread thread;
};

Scheduler::Scheduler(const Project& project, Timer& timer, ScheduleActions& actions,
                     SchedulerOptions options)
    : project_(project),
      timer_(timer),
      actions_(actions),
      options_(std::move(options)),
      grace_(project.scheduler.misfire_grace_seconds) {
  for (const auto& f : project.frequencies) {
    const auto& only = options_.frequencies;
    if (!only.empty() && std::find(only.begin(), only.end(), f.name) == only.end()) continue;
    bool has_tables = std::any_of(project.tasks.begin(), project.tasks.end(),
                                  [&](const Task& t) { return t.frequency == f.name; });
    if (f.paused || !has_tables) {
      Log(LogLevel::kInfo, "not scheduled",
          {{"frequency", f.name}, {"why", f.paused ? "paused" : "no tables"}});
      continue;
    }
    frequencies_.push_back({&f, CronSchedule::Parse(f.cron, f.timezone), {}, nullptr, {}});
  }
}

Scheduler::~Scheduler() {
  for (auto& run : in_flight_) {
    run->cancel = true;
    if (run->thread.joinable()) run->thread.join();
  }
}

std::vector<std::string> Scheduler::Scheduled() const {
  std::vector<std::string> names;
  for (const auto& f : frequencies_) names.push_back(f.config->name);
  return names;
}

void Scheduler::RequestStop() {
  stop_ = true;
  timer_.Wake();
}

void Scheduler::Run() {
  std::vector<Decision> due;
  Start(timer_.Now(), due);
  while (!stop_) {
    TimePoint now = timer_.Now();
    Reap();
    EnforceTimeouts(now);
    CollectDue(now, due);
    AddQueued(due);
    if (!due.empty()) Launch(std::move(due), now);
    due.clear();
    TimePoint wake = NextWake();
    if (LogEnabled(LogLevel::kDebug)) {
      std::string in =
          wake == TimePoint::max()
              ? "until a run finishes"
              : fmt::format("{:.1f} s", std::chrono::duration<double>(wake - now).count());
      Log(LogLevel::kDebug, "waiting", {{"for", in}, {"runs_in_flight", in_flight_.size()}});
    }
    timer_.WaitUntil(wake);
  }
  Shutdown();
}

Scheduler::Frequency* Scheduler::Find(const std::string& name) {
  for (auto& f : frequencies_) {
    if (f.config->name == name) return &f;
  }
  return nullptr;
}

void Scheduler::Note(const Decision& d, bool record) {
  LogFields fields = {{"frequency", d.frequency}, {"tick", Utc(d.tick)}};
  if (!d.detail.empty()) fields["detail"] = d.detail;
  Log(LogLevel::kInfo, DecisionName(d.kind), fields);
  if (!record) return;
  try {
    actions_.Record(d);
  } catch (const std::exception& e) {
    Log(LogLevel::kError, "could not record a schedule decision", {{"error", e.what()}});
  }
}

void Scheduler::Start(TimePoint now, std::vector<Decision>& due) {
  std::string names;
  for (const auto& f : frequencies_) names += (names.empty() ? "" : ",") + f.config->name;
  Log(LogLevel::kInfo, "scheduler started", {{"frequencies", names}});
  for (auto& f : frequencies_) {
    f.next = f.schedule.Next(now);
    auto latest = f.schedule.Previous(now);
    if (!latest) continue;
    auto since = options_.attempted_since.find(f.config->name);
    bool never = since == options_.attempted_since.end();
    if (!never && since->second >= *latest) continue;
    Decision d{DecisionKind::kCaughtUp, f.config->name, *latest,
               never ? "a table of it was never loaded"
                     : Missed(CountTicks(f.schedule, since->second, *latest), since->second)};
    if (f.config->catch_up == "once") {
      due.push_back(std::move(d));
    } else {
      d.kind = DecisionKind::kMissed;
      Note(d, true);
    }
  }
}

void Scheduler::CollectDue(TimePoint now, std::vector<Decision>& due) {
  for (auto& f : frequencies_) {
    if (!f.next || *f.next > now) continue;
    TimePoint first = *f.next;
    TimePoint latest = f.schedule.Previous(now).value_or(first);
    int passed = 1 + CountTicks(f.schedule, first, latest);
    f.next = f.schedule.Next(now);
    auto late = std::chrono::duration_cast<std::chrono::seconds>(now - latest);
    Decision d{DecisionKind::kFired, f.config->name, latest, ""};
    if (passed > 1 || late > grace_) {
      d.detail = fmt::format("{}{} tick{} due since {}, noticed {}s after the last", passed,
                             passed > kCountCap ? "+" : "", passed == 1 ? "" : "s", Utc(first),
                             late.count());
      if (f.config->catch_up == "once") {
        d.kind = DecisionKind::kCaughtUp;
      } else if (late > grace_) {
        d.kind = DecisionKind::kMissed;
        Note(d, true);
        continue;
      }
    }
    Admit(f, std::move(d), due);
  }
}

void Scheduler::Admit(Frequency& f, Decision d, std::vector<Decision>& group) {
  if (f.running == nullptr) {
    group.push_back(std::move(d));
    return;
  }
  std::string busy = fmt::format("its run started {} is still going", Utc(f.running->run.at));
  d.detail = d.detail.empty() ? busy : d.detail + "; " + busy;
  if (f.config->overlap == "queue" && !f.queued) {
    d.kind = DecisionKind::kQueued;
    Note(d, false);
    f.queued = std::move(d);
    return;
  }
  if (f.queued) d.detail += "; a tick is already queued";
  d.kind = DecisionKind::kSkipped;
  Note(d, true);
}

void Scheduler::AddQueued(std::vector<Decision>& group) {
  for (auto& f : frequencies_) {
    if (!f.queued || f.running != nullptr) continue;
    auto same = std::find_if(group.begin(), group.end(),
                             [&](const Decision& d) { return d.frequency == f.config->name; });
    if (same != group.end()) {
      same->detail += (same->detail.empty() ? "" : "; ") +
                      fmt::format("also covers the tick queued at {}", Utc(f.queued->tick));
    } else {
      Decision d = *f.queued;
      d.kind = DecisionKind::kDequeued;
      d.detail = "waited for the previous run to end";
      group.push_back(std::move(d));
    }
    f.queued.reset();
  }
}

void Scheduler::Launch(std::vector<Decision> group, TimePoint now) {
  auto flight = std::make_unique<InFlight>();
  InFlight* p = flight.get();
  p->run.at = now;
  p->run.cancel = &p->cancel;
  for (const auto& d : group) {
    Frequency* f = Find(d.frequency);
    p->run.frequencies.push_back(d.frequency);
    f->running = p;
    if (int minutes = f->config->timeout_minutes; minutes > 0) {
      TimePoint end = now + std::chrono::minutes(minutes);
      p->deadline = p->deadline ? std::min(*p->deadline, end) : end;
    }
    Note(d, false);
  }
  p->run.decisions = std::move(group);
  std::string names = fmt::format("{}", fmt::join(p->run.frequencies, ","));
  if (p->run.coalesced()) Log(LogLevel::kInfo, "coalesced", {{"frequencies", names}});
  Log(LogLevel::kInfo, "run started", {{"frequencies", names}});
  timer_.WorkStarted();
  p->thread = std::thread([this, p] {
    NameThisThread("scheduled-run");
    std::string outcome;
    try {
      outcome = actions_.Run(p->run);
    } catch (const std::exception& e) {
      outcome = std::string("error: ") + e.what();
    }
    ReleaseFreeMemory();  // a daemon waits with what it needs, not with the run's peak
    p->outcome = std::move(outcome);
    p->done = true;
    timer_.Wake();
    timer_.WorkFinished();
  });
  in_flight_.push_back(std::move(flight));
}

void Scheduler::Reap() {
  for (auto it = in_flight_.begin(); it != in_flight_.end();) {
    InFlight& r = **it;
    if (!r.done) {
      ++it;
      continue;
    }
    r.thread.join();
    for (const auto& name : r.run.frequencies) {
      if (Frequency* f = Find(name); f != nullptr && f->running == &r) f->running = nullptr;
    }
    Log(LogLevel::kInfo, "run finished",
        {{"frequencies", fmt::format("{}", fmt::join(r.run.frequencies, ","))},
         {"outcome", r.outcome}});
    it = in_flight_.erase(it);
  }
}

void Scheduler::EnforceTimeouts(TimePoint now) {
  for (auto& r : in_flight_) {
    if (!r->deadline || *r->deadline > now || r->cancel) continue;
    r->cancel = true;
    Log(LogLevel::kWarn, "timed out: cancelling the run (unfinished tables roll back)",
        {{"frequencies", fmt::format("{}", fmt::join(r->run.frequencies, ","))},
         {"started", Utc(r->run.at)}});
  }
}

TimePoint Scheduler::NextWake() const {
  TimePoint wake = TimePoint::max();
  for (const auto& f : frequencies_) {
    if (f.next) wake = std::min(wake, *f.next);
  }
  for (const auto& r : in_flight_) {
    if (r->deadline && !r->cancel) wake = std::min(wake, *r->deadline);
  }
  return wake;
}

void Scheduler::Shutdown() {
  Log(LogLevel::kInfo, "stopping: no new runs; runs in flight are cancelled",
      {{"runs_in_flight", in_flight_.size()}});
  for (auto& f : frequencies_) {
    if (!f.queued) continue;
    Decision d = *f.queued;
    d.kind = DecisionKind::kDropped;
    d.detail = "the scheduler is stopping";
    Note(d, true);
    f.queued.reset();
  }
  for (auto& r : in_flight_) r->cancel = true;
  for (Reap(); !in_flight_.empty(); Reap()) timer_.WaitUntil(TimePoint::max());
  Log(LogLevel::kInfo, "scheduler stopped");
}

}  // namespace tributary
