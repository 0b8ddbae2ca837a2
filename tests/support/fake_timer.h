// Simulated time for scheduler tests: time moves only when every piece of
// work in flight is asleep in simulated time, straight to the earliest
// instant someone waits for. A scheduled "run" that lasts 90 minutes
// (SleepUntil) takes microseconds, and the order of events is always the
// same: the tests are deterministic and fast.
#pragma once

#include <condition_variable>
#include <mutex>
#include <set>

#include "schedule/timer.h"

namespace tributary::testing {

class FakeTimer final : public Timer {
 public:
  explicit FakeTimer(TimePoint start) : now_(start) {}

  TimePoint Now() const override {
    std::lock_guard lock(mutex_);
    return now_;
  }

  // The scheduler's wait: returns when woken, or when no work is busy and
  // time reached `deadline` (moving it there, waking sleepers on the way).
  void WaitUntil(TimePoint deadline) override {
    std::unique_lock lock(mutex_);
    for (;;) {
      if (woken_) {
        woken_ = false;
        return;
      }
      if (busy_ == 0) {
        if (now_ >= deadline) return;
        TimePoint to = sleepers_.empty() ? deadline : std::min(deadline, *sleepers_.begin());
        if (to == TimePoint::max()) return;  // nothing can ever happen
        MoveTo(to);
        continue;
      }
      cv_.wait(lock);
    }
  }

  void Wake() override {
    std::lock_guard lock(mutex_);
    woken_ = true;
    cv_.notify_all();
  }
  void WorkStarted() override {
    std::lock_guard lock(mutex_);
    ++busy_;
  }
  void WorkFinished() override {
    std::lock_guard lock(mutex_);
    --busy_;
    cv_.notify_all();
  }

  // Called by work in flight (between WorkStarted and WorkFinished): sleeps
  // until simulated time reaches `until`.
  void SleepUntil(TimePoint until) {
    std::unique_lock lock(mutex_);
    if (now_ >= until) return;
    sleepers_.insert(until);
    --busy_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return now_ >= until; });  // MoveTo counted us busy again
  }

  // Jumps forward, as a suspended machine does: a run calling this sees the
  // time change under it.
  void Jump(std::chrono::seconds by) {
    std::lock_guard lock(mutex_);
    MoveTo(now_ + by);
  }

 private:
  void MoveTo(TimePoint t) {
    now_ = std::max(now_, t);
    while (!sleepers_.empty() && *sleepers_.begin() <= now_) {
      sleepers_.erase(sleepers_.begin());
      ++busy_;
    }
    cv_.notify_all();
  }

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  TimePoint now_;
  std::multiset<TimePoint> sleepers_;
  int busy_ = 0;
  bool woken_ = false;
};

}  // namespace tributary::testing
