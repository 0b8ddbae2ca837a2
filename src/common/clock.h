// Time is injected so schedules, ages and overdue checks run in tests with a
// fake clock.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace tributary {

using TimePoint = std::chrono::system_clock::time_point;

// Microseconds since the Unix epoch, the unit every sink stores times in.
inline int64_t ToMicros(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

inline TimePoint FromMicros(int64_t micros) {
  return TimePoint(
      std::chrono::duration_cast<TimePoint::duration>(std::chrono::microseconds(micros)));
}

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
  static const SystemClock& Instance() {
    static SystemClock clock;
    return clock;
  }
};

// A clock tests set by hand. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start) : now_(start.time_since_epoch().count()) {}
  TimePoint Now() const override { return TimePoint(TimePoint::duration(now_.load())); }
  void Set(TimePoint t) { now_ = t.time_since_epoch().count(); }
  void Advance(std::chrono::microseconds d) {
    now_ += std::chrono::duration_cast<TimePoint::duration>(d).count();
  }

 private:
  std::atomic<TimePoint::rep> now_;
};

}  // namespace tributary
