// Retrying what fails transiently at a source (TransientSourceError: refused,
// reset or timed-out connections, serialization failures, deadlocks, a server
// shutting down): exponential back-off with jitter, per server
// (retry_attempts, retry_initial_backoff_seconds, retry_max_backoff_seconds),
// and the memory of a run that a server stayed unreachable, so its other
// tables fail at once instead of each waiting through the same retries.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>

#include "config/project.h"
#include "engine/connectors.h"

namespace tributary {

struct RetryPolicy {
  int attempts = 3;  // tries in all; 1: no retry
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds max_backoff{30000};
};

// The server's retry_* settings (validated when loading), or the defaults.
RetryPolicy RetryPolicyOf(const ServerConfig& server);

// The wait before try `attempt` (2, 3, …): initial·2^(attempt-2), capped at
// the maximum, then drawn uniformly from its upper half (jitter), so retries
// of many tables do not arrive in step.
std::chrono::milliseconds Backoff(const RetryPolicy& policy, int attempt, std::mt19937& rng);

// How a retry waits: returns early (the caller then stops) when cancelled.
using RetrySleep = std::function<void(std::chrono::milliseconds)>;

// Sleeps `wait` in short steps, returning early once `cancel` is set.
void SleepUnlessCancelled(std::chrono::milliseconds wait, const std::atomic<bool>* cancel);

// What one run knows about each server's reachability. Thread-safe: the
// run's workers share one.
class ServerReachability {
 public:
  ServerReachability(const Connectors& connectors, RetrySleep sleep,
                     const std::atomic<bool>* cancel);

  // Opens `database` on `server` for `table` (a task id, for messages),
  // trying a transient failure again per the server's policy and logging
  // each retry at warn. Until one connection to a server has succeeded,
  // connections to it are made one at a time, so tables waiting for the
  // first learn its outcome instead of repeating its retries. Once a server
  // is known unreachable this throws at once: "server <name> unreachable:
  // <first error> (reported on table <table>)". Throws what open_source
  // throws otherwise.
  std::unique_ptr<Source> Open(const Project& project, const ServerConfig& server,
                               const std::string& database, const std::string& table);

  // Waits before try `attempt` of `table`'s load after `error`, logging it;
  // false when cancelled (stop retrying).
  bool WaitBeforeRetry(const ServerConfig& server, const std::string& database,
                       const std::string& table, int attempt, const std::string& error);

 private:
  struct State {
    std::mutex connecting;  // held through the first connection's tries
    std::mutex mutex;       // guards the fields below
    bool reached = false;
    std::string unreachable;  // the failure message once given up
  };
  State& StateOf(const std::string& server);
  std::unique_ptr<Source> OpenWithRetries(const Project& project, const ServerConfig& server,
                                          const std::string& database, const std::string& table);

  const Connectors& connectors_;
  RetrySleep sleep_;
  const std::atomic<bool>* cancel_;
  std::mutex mutex_;  // guards states_ and rng_
  std::map<std::string, std::unique_ptr<State>> states_;
  std::mt19937 rng_;
};

}  // namespace tributary
