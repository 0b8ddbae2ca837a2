#include "engine/retry.h"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "common/error.h"
#include "common/log.h"

namespace tributary {
namespace {

int Setting(const ServerConfig& server, const char* key, int fallback) {
  auto it = server.settings.find(key);
  if (it == server.settings.end()) return fallback;
  try {
    return std::stoi(it->second);
  } catch (const std::exception&) {
    return fallback;  // the loader reports a value that is not a number
  }
}

}  // namespace

RetryPolicy RetryPolicyOf(const ServerConfig& server) {
  RetryPolicy policy;
  policy.attempts = std::max(1, Setting(server, "retry_attempts", policy.attempts));
  policy.initial_backoff =
      std::chrono::seconds(std::max(0, Setting(server, "retry_initial_backoff_seconds", 1)));
  policy.max_backoff =
      std::chrono::seconds(std::max(0, Setting(server, "retry_max_backoff_seconds", 30)));
  return policy;
}

std::chrono::milliseconds Backoff(const RetryPolicy& policy, int attempt, std::mt19937& rng) {
  int doublings = std::clamp(attempt - 2, 0, 30);
  auto full = std::min(policy.initial_backoff * (int64_t{1} << doublings), policy.max_backoff);
  if (full.count() <= 1) return full;
  std::uniform_int_distribution<int64_t> jitter(full.count() / 2, full.count());
  return std::chrono::milliseconds(jitter(rng));
}

void SleepUnlessCancelled(std::chrono::milliseconds wait, const std::atomic<bool>* cancel) {
  auto until = std::chrono::steady_clock::now() + wait;
  while (std::chrono::steady_clock::now() < until) {
    if (cancel != nullptr && cancel->load()) return;
    auto left = until - std::chrono::steady_clock::now();
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(50)));
  }
}

ServerReachability::ServerReachability(const Connectors& connectors, RetrySleep sleep,
                                       const std::atomic<bool>* cancel)
    : connectors_(connectors),
      sleep_(std::move(sleep)),
      cancel_(cancel),
      rng_(std::random_device{}()) {
  if (!sleep_) {
    sleep_ = [cancel](std::chrono::milliseconds wait) { SleepUnlessCancelled(wait, cancel); };
  }
}

ServerReachability::State& ServerReachability::StateOf(const std::string& server) {
  std::lock_guard lock(mutex_);
  auto& state = states_[server];
  if (!state) state = std::make_unique<State>();
  return *state;
}

bool ServerReachability::WaitBeforeRetry(const ServerConfig& server, const std::string& database,
                                         const std::string& table, int attempt,
                                         const std::string& error) {
  if (cancel_ != nullptr && cancel_->load()) return false;
  std::chrono::milliseconds wait;
  {
    std::lock_guard lock(mutex_);
    wait = Backoff(RetryPolicyOf(server), attempt, rng_);
  }
  Log(LogLevel::kWarn, "transient source error: trying again",
      {{"server", server.name},
       {"database", database},
       {"table", table},
       {"attempt", attempt},
       {"attempts", RetryPolicyOf(server).attempts},
       {"wait_seconds", static_cast<double>(wait.count()) / 1000},
       {"error", error}});
  sleep_(wait);
  return cancel_ == nullptr || !cancel_->load();
}

std::unique_ptr<Source> ServerReachability::OpenWithRetries(const Project& project,
                                                            const ServerConfig& server,
                                                            const std::string& database,
                                                            const std::string& table) {
  int attempts = RetryPolicyOf(server).attempts;
  for (int attempt = 1;; ++attempt) {
    try {
      return connectors_.open_source(project, server, database);
    } catch (const TransientSourceError& e) {
      if (attempt >= attempts || !WaitBeforeRetry(server, database, table, attempt + 1, e.what()))
        throw;
    }
  }
}

std::unique_ptr<Source> ServerReachability::Open(const Project& project, const ServerConfig& server,
                                                 const std::string& database,
                                                 const std::string& table) {
  State& state = StateOf(server.name);
  auto reached = [&state] {
    std::lock_guard lock(state.mutex);
    return state.reached;
  };
  std::unique_lock<std::mutex> first(state.connecting, std::defer_lock);
  if (!reached()) {
    first.lock();  // wait for the outcome of the connection before this one
    if (reached()) first.unlock();
  }
  {
    std::lock_guard lock(state.mutex);
    if (!state.unreachable.empty()) throw SourceError(state.unreachable);
  }
  try {
    auto source = OpenWithRetries(project, server, database, table);
    std::lock_guard lock(state.mutex);
    state.reached = true;
    return source;
  } catch (const TransientSourceError& e) {
    std::lock_guard lock(state.mutex);
    if (state.unreachable.empty()) {
      state.unreachable = fmt::format("server {} unreachable: {} (reported on table {})",
                                      server.name, e.what(), table);
      Log(LogLevel::kError, "server unreachable: its remaining tables of this run fail at once",
          {{"server", server.name},
           {"database", database},
           {"table", table},
           {"attempts", RetryPolicyOf(server).attempts},
           {"error", e.what()}});
    }
    throw;
  }
}

}  // namespace tributary
