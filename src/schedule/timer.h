// What the scheduler's waiting goes through, so tests drive it with simulated
// time (tests/schedule/fake_timer.h) and run in milliseconds.
#pragma once

#include <condition_variable>
#include <mutex>

#include "common/clock.h"

namespace tributary {

class Timer : public Clock {
 public:
  // Blocks until Now() >= deadline or Wake() was called since the previous
  // return. May return early: callers re-check their state and wait again.
  virtual void WaitUntil(TimePoint deadline) = 0;
  // Makes the current (or next) WaitUntil return. Thread-safe; not
  // async-signal-safe.
  virtual void Wake() = 0;
  // Bracket work in flight on other threads (a run). A simulated timer does
  // not move time while such work is busy; a real one ignores them.
  virtual void WorkStarted() {}
  virtual void WorkFinished() {}
};

// Real time. Waits in slices of at most a minute, so wall-clock jumps
// (NTP, suspend) are noticed within one.
class SystemTimer final : public Timer {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
  void WaitUntil(TimePoint deadline) override;
  void Wake() override;

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool woken_ = false;
};

}  // namespace tributary
