// The scheduler end to end on simulated time (fake_timer.h): coalescing,
// skip and queue on overlap, catch-up after downtime and after a suspend,
// timeouts, shutdown. Each test reads as a transcript of what happened when.
#include "schedule/scheduler.h"

#include <date/date.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include <functional>
#include <mutex>
#include <thread>

#include "support/fake_timer.h"

namespace tributary {
namespace {

using namespace std::chrono_literals;
using testing::FakeTimer;

TimePoint Day(int hour, int minute = 0) {
  return date::sys_days{date::year{2026} / 6 / 1} + std::chrono::hours(hour) +
         std::chrono::minutes(minute);
}

std::string Hm(TimePoint t) { return date::format("%H:%M", date::floor<std::chrono::minutes>(t)); }

// Records what the scheduler asks for as lines of a transcript, in simulated
// time: "05:00 run daily+hourly [fired,fired]", "06:00 skipped hourly@06:00".
class FakeActions final : public ScheduleActions {
 public:
  explicit FakeActions(FakeTimer& timer) : timer_(timer) {}

  std::string Run(const ScheduledRun& run) override {
    std::string kinds, ticks;
    for (const auto& d : run.decisions) {
      kinds += (kinds.empty() ? "" : ",") + std::string(DecisionName(d.kind));
      ticks += (ticks.empty() ? "" : "+") + d.frequency + "@" + Hm(d.tick);
    }
    Add(fmt::format("{} run {} [{}]", Hm(timer_.Now()), ticks, kinds));
    {
      std::lock_guard lock(mutex_);
      descriptions_.push_back(run.Describe());
    }
    if (body) body(run);
    if (run.cancel->load()) {
      Add(fmt::format("{} cancelled {}", Hm(timer_.Now()), fmt::join(run.frequencies, "+")));
    }
    MaybeStop();
    return "ok";
  }
  void Record(const Decision& d) override {
    Add(fmt::format("{} {} {}@{}", Hm(timer_.Now()), DecisionName(d.kind), d.frequency,
                    Hm(d.tick)));
    MaybeStop();
  }

  std::vector<std::string> transcript() const {
    std::lock_guard lock(mutex_);
    return transcript_;
  }
  std::vector<std::string> descriptions() const {
    std::lock_guard lock(mutex_);
    return descriptions_;
  }

  std::function<void(const ScheduledRun&)> body;  // what a run does; default: nothing
  Scheduler* scheduler = nullptr;
  TimePoint stop_at = TimePoint::max();  // the first event at or after it stops the scheduler

 private:
  void Add(std::string line) {
    std::lock_guard lock(mutex_);
    transcript_.push_back(std::move(line));
  }
  void MaybeStop() {
    if (timer_.Now() >= stop_at) scheduler->RequestStop();
  }

  FakeTimer& timer_;
  mutable std::mutex mutex_;
  std::vector<std::string> transcript_;
  std::vector<std::string> descriptions_;
};

class SchedulerTest : public ::testing::Test {
 protected:
  FrequencyConfig& AddFrequency(const std::string& name, const std::string& cron,
                                const std::string& zone = "UTC") {
    FrequencyConfig f;
    f.name = name;
    f.cron = cron;
    f.timezone = zone;
    project_.frequencies.push_back(f);
    Task t;
    t.sink_table = name + "_table";
    t.frequency = name;
    project_.tasks.push_back(t);
    return project_.frequencies.back();
  }

  // Runs the scheduler from `start` until the first event at or after
  // `stop_at`; every frequency counts as loaded at `start` unless given.
  std::vector<std::string> RunFrom(TimePoint start, TimePoint stop_at,
                                   std::optional<SchedulerOptions> given = std::nullopt) {
    timer_.emplace(start);
    actions_.emplace(*timer_);
    SchedulerOptions options;
    if (given) {
      options = *given;
    } else {
      for (const auto& f : project_.frequencies) options.attempted_since[f.name] = start;
    }
    Scheduler scheduler(project_, *timer_, *actions_, options);
    actions_->scheduler = &scheduler;
    actions_->stop_at = stop_at;
    actions_->body = body_;
    scheduler.Run();
    return actions_->transcript();
  }

  // A run body that lasts `d` of simulated time (or until cancelled).
  std::function<void(const ScheduledRun&)> Lasting(std::chrono::minutes d) {
    return [this, d](const ScheduledRun& run) {
      TimePoint end = timer_->Now() + d;
      while (timer_->Now() < end && !run.cancel->load()) {
        timer_->SleepUntil(std::min(end, timer_->Now() + 1min));
      }
    };
  }

  Project project_;
  std::optional<FakeTimer> timer_;
  std::optional<FakeActions> actions_;
  std::function<void(const ScheduledRun&)> body_;
};

using Lines = std::vector<std::string>;

TEST_F(SchedulerTest, FrequenciesDueTogetherAreCoalescedIntoOneRun) {
  AddFrequency("daily", "0 0 5 * * ?");
  AddFrequency("hourly", "0 0 * * * ?");
  auto lines = RunFrom(Day(3, 30), Day(6));
  EXPECT_EQ(lines, (Lines{"04:00 run hourly@04:00 [fired]",
                          "05:00 run daily@05:00+hourly@05:00 [fired,fired]",
                          "06:00 run hourly@06:00 [fired]"}));
  EXPECT_EQ(actions_->descriptions().at(1),
            "schedule: fired daily@2026-06-01T05:00:00Z, fired hourly@2026-06-01T05:00:00Z; "
            "coalesced: 2 frequencies, one run");
}

TEST_F(SchedulerTest, ATickFindingThePreviousRunGoingIsSkipped) {
  AddFrequency("hourly", "0 0 * * * ?");
  body_ = Lasting(90min);
  auto lines = RunFrom(Day(0, 30), Day(4));
  EXPECT_EQ(lines, (Lines{"01:00 run hourly@01:00 [fired]", "02:00 skipped hourly@02:00",
                          "03:00 run hourly@03:00 [fired]", "04:00 skipped hourly@04:00",
                          "04:01 cancelled hourly"}));
}

TEST_F(SchedulerTest, WithOverlapQueueOneTickWaitsAndIsDroppedAtStop) {
  AddFrequency("hourly", "0 0 * * * ?").overlap = "queue";
  body_ = Lasting(100min);
  auto lines = RunFrom(Day(0, 30), Day(4));
  // 02:00 and 03:00 queue (one at a time) and run when the previous run ends;
  // 04:00 finds one queued already. Stopping drops the queued 03:00 tick.
  EXPECT_EQ(lines, (Lines{"01:00 run hourly@01:00 [fired]", "02:40 run hourly@02:00 [ran queued]",
                          "04:00 skipped hourly@04:00", "04:00 dropped hourly@03:00",
                          "04:01 cancelled hourly"}));
}

TEST_F(SchedulerTest, OtherFrequenciesKeepRunningWhileOneIsBusy) {
  AddFrequency("daily", "0 30 5 * * ?");
  AddFrequency("hourly", "0 0 * * * ?");
  body_ = [this](const ScheduledRun& run) {
    if (run.frequencies == std::vector<std::string>{"daily"}) Lasting(150min)(run);
  };
  auto lines = RunFrom(Day(4, 30), Day(7));
  EXPECT_EQ(lines, (Lines{"05:00 run hourly@05:00 [fired]", "05:30 run daily@05:30 [fired]",
                          "06:00 run hourly@06:00 [fired]", "07:00 run hourly@07:00 [fired]",
                          "07:01 cancelled daily"}));
}

TEST_F(SchedulerTest, TicksMissedWhileDownAreCaughtUpOnceAtStart) {
  AddFrequency("hourly", "0 0 * * * ?");
  AddFrequency("daily", "0 0 5 * * ?");
  SchedulerOptions options;
  options.attempted_since["hourly"] = Day(0, 0);  // down since 00:00: 01:00 … 05:00 missed
  options.attempted_since["daily"] = Day(0, 0);
  auto lines = RunFrom(Day(5, 10), Day(6), options);
  EXPECT_EQ(lines, (Lines{"05:10 run hourly@05:00+daily@05:00 [caught up,caught up]",
                          "06:00 run hourly@06:00 [fired]"}));
  EXPECT_NE(actions_->descriptions().at(0).find("caught up hourly@2026-06-01T05:00:00Z (5 ticks "
                                                "missed since 2026-06-01T00:00:00Z)"),
            std::string::npos)
      << actions_->descriptions().at(0);
}

TEST_F(SchedulerTest, CatchUpNoneRecordsTheMissedTicksAndWaits) {
  AddFrequency("hourly", "0 0 * * * ?").catch_up = "none";
  SchedulerOptions never_loaded;  // no attempted_since: never loaded
  auto lines = RunFrom(Day(5, 10), Day(6), never_loaded);
  EXPECT_EQ(lines, (Lines{"05:10 missed hourly@05:00", "06:00 run hourly@06:00 [fired]"}));
}

TEST_F(SchedulerTest, NothingToCatchUpWhenTheLatestTickWasLoaded) {
  AddFrequency("hourly", "0 0 * * * ?");
  SchedulerOptions options;
  options.attempted_since["hourly"] = Day(5, 0);
  auto lines = RunFrom(Day(5, 10), Day(6), options);
  EXPECT_EQ(lines, (Lines{"06:00 run hourly@06:00 [fired]"}));
}

TEST_F(SchedulerTest, ASuspendedMachineCatchesUpOnceNotOncePerTick) {
  AddFrequency("quarterly", "0 0/15 * * * ?");
  body_ = [this](const ScheduledRun& run) {
    if (run.at == Day(1)) timer_->Jump(std::chrono::hours(3));  // suspended during the run
  };
  auto lines = RunFrom(Day(0, 50), Day(4, 15));
  EXPECT_EQ(lines,
            (Lines{"01:00 run quarterly@01:00 [fired]", "04:00 run quarterly@04:00 [caught up]",
                   "04:15 run quarterly@04:15 [fired]"}));
  EXPECT_NE(actions_->descriptions().at(1).find("12 ticks due since 2026-06-01T01:15:00Z"),
            std::string::npos)
      << actions_->descriptions().at(1);
}

TEST_F(SchedulerTest, MissedTicksAfterASuspendAreDroppedWithCatchUpNone) {
  AddFrequency("hourly", "0 0 * * * ?").catch_up = "none";
  body_ = [this](const ScheduledRun& run) {
    if (run.at == Day(1)) timer_->Jump(std::chrono::minutes(150));  // wakes at 03:30
  };
  auto lines = RunFrom(Day(0, 50), Day(4));
  EXPECT_EQ(lines, (Lines{"01:00 run hourly@01:00 [fired]", "03:30 missed hourly@03:00",
                          "04:00 run hourly@04:00 [fired]"}));
}

TEST_F(SchedulerTest, ARunPastItsTimeoutIsCancelled) {
  AddFrequency("hourly", "0 0 * * * ?").timeout_minutes = 30;
  body_ = Lasting(24h);
  auto lines = RunFrom(Day(0, 50), Day(2));
  EXPECT_EQ(lines, (Lines{"01:00 run hourly@01:00 [fired]", "01:31 cancelled hourly",
                          "02:00 run hourly@02:00 [fired]", "02:31 cancelled hourly"}));
}

TEST_F(SchedulerTest, StopCancelsTheRunInFlightAndReturnsAfterItEnded) {
  AddFrequency("hourly", "0 0 * * * ?");
  body_ = Lasting(24h);
  auto lines = RunFrom(Day(0, 50), Day(2));  // the 02:00 skip stops it
  EXPECT_EQ(lines, (Lines{"01:00 run hourly@01:00 [fired]", "02:00 skipped hourly@02:00",
                          "02:01 cancelled hourly"}));
}

TEST_F(SchedulerTest, PausedFrequenciesAndFrequenciesWithoutTablesAreNotScheduled) {
  AddFrequency("hourly", "0 0 * * * ?").paused = true;
  AddFrequency("daily", "0 0 5 * * ?");
  FrequencyConfig empty;
  empty.name = "weekly";
  empty.cron = "0 0 5 ? * MON";
  empty.timezone = "UTC";
  project_.frequencies.push_back(empty);
  FakeTimer timer(Day(0));
  FakeActions actions(timer);
  Scheduler scheduler(project_, timer, actions, {});
  EXPECT_EQ(scheduler.Scheduled(), (std::vector<std::string>{"daily"}));
}

TEST_F(SchedulerTest, SpringForwardFiresOnceAtTheShiftedTime) {
  // Europe/Oslo, 2026-03-29: 02:00 CET jumps to 03:00 CEST; 02:30 does not
  // exist and fires at 03:30 CEST = 01:30 UTC (see schedule/cron.h).
  AddFrequency("nightly", "0 30 2 * * ?", "Europe/Oslo");
  TimePoint start = date::sys_days{date::year{2026} / 3 / 28} + 12h;
  auto lines = RunFrom(start, start + 36h);
  EXPECT_EQ(lines, (Lines{"01:30 run nightly@01:30 [fired]", "00:30 run nightly@00:30 [fired]"}));
}

}  // namespace
}  // namespace tributary
