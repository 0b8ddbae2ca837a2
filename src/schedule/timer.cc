#include "schedule/timer.h"

#include <algorithm>

namespace tributary {

void SystemTimer::WaitUntil(TimePoint deadline) {
  std::unique_lock lock(mutex_);
  // Bounded slices also keep wait_until clear of time_point overflow when the
  // deadline is "never" (TimePoint::max()).
  TimePoint slice = std::min(deadline, Now() + std::chrono::minutes(1));
  cv_.wait_until(lock, slice, [&] { return woken_; });
  woken_ = false;
}

void SystemTimer::Wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  cv_.notify_all();
}

}  // namespace tributary
