// When and how long to wait before sending a request again: exponential
// back-off with jitter, bounded in attempts and in total time.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace tributary {

struct RetryPolicy {
  int max_attempts = 6;  // including the first
  std::chrono::milliseconds initial_delay{200};
  std::chrono::milliseconds max_delay{10'000};
  // No attempt starts later than this after the first one began.
  std::chrono::milliseconds total_deadline{120'000};
};

// Whether an HTTP status is worth another attempt: 5xx (except 501, which
// will not change) and 429, plus 408 (the server timed the request out).
bool IsRetryableStatus(long status);

// The wait before retry number `retry` (1 = the first retry): a random
// duration in [d/2, d] with d = min(max_delay, initial_delay * 2^(retry-1)),
// so writers that failed together do not retry together. A server's
// Retry-After (seconds) is honoured when it is longer, up to max_delay.
// Thread-safe.
std::chrono::milliseconds RetryDelay(const RetryPolicy& policy, int retry,
                                     const std::string& retry_after = "");

}  // namespace tributary
