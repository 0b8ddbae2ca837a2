#include "clients/http/retry_policy.h"

#include <algorithm>
#include <charconv>
#include <random>
#include <system_error>

namespace tributary {

bool IsRetryableStatus(long status) {
  return status == 408 || status == 429 || (status >= 500 && status != 501 && status < 600);
}

std::chrono::milliseconds RetryDelay(const RetryPolicy& policy, int retry,
                                     const std::string& retry_after) {
  using std::chrono::milliseconds;
  int64_t cap = policy.max_delay.count();
  int64_t base = policy.initial_delay.count();
  for (int i = 1; i < retry && base < cap; ++i) base *= 2;
  base = std::min(base, cap);
  thread_local std::mt19937_64 random{std::random_device{}()};
  std::uniform_int_distribution<int64_t> pick(base / 2, std::max<int64_t>(base, 0));
  int64_t delay = pick(random);
  int64_t seconds = 0;
  auto [end, ec] =
      std::from_chars(retry_after.data(), retry_after.data() + retry_after.size(), seconds);
  if (ec == std::errc() && end == retry_after.data() + retry_after.size() && seconds > 0) {
    delay = std::max(delay, std::min(seconds * 1000, cap));
  }
  return milliseconds(delay);
}

}  // namespace tributary
