#include "powerbi/refresh_runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "clients/http/http_message.h"
#include "common/log.h"
#include "powerbi/powerbi_error.h"

namespace tributary {
namespace {

using std::chrono::milliseconds;
using Steady = std::chrono::steady_clock;

std::string TableNames(const std::vector<QueuedTable>& tables) {
  std::string out;
  for (const auto& t : tables) out += (out.empty() ? "" : ", ") + t.table;
  return out;
}

// "90 min", or "0.4 s" under a minute (tests use short timeouts).
std::string Minutes(milliseconds d) {
  if (d < std::chrono::minutes(1)) return fmt::format("{:g} s", double(d.count() / 100) / 10);
  return fmt::format("{} min", (d.count() + 59'999) / 60'000);
}

// One semantic model's refresh, on its own thread.
class ModelRun {
 public:
  ModelRun(const PowerBiClient& client, const PowerBiConfig& config, const ModelRefresh& refresh,
           const RefreshOptions& options, milliseconds timeout,
           const std::filesystem::path& queue_dir)
      : queue_(queue_dir, refresh.semantic_model->name),
        client_(client),
        config_(config),
        refresh_(refresh),
        options_(options),
        timeout_(timeout),
        deadline_(Steady::now() + timeout) {}

  // The refresh's final state. Throws Error (PowerBiError, TokenError,
  // HttpError, ConfigError) when it did not complete.
  RefreshState Run(std::string& request_id) {
    const auto& sm = *refresh_.semantic_model;
    group_ = client_.WorkspaceId(sm.workspace);
    dataset_ = client_.DatasetId(group_, sm.dataset);
    request_id = Start();
    return Follow(request_id);
  }

 private:
  bool Enhanced() const { return config_.capacity != "shared"; }

  bool Cancelled() const { return options_.cancel != nullptr && options_.cancel->load(); }

  // Sleeps `d` (less when the deadline comes first); false when the deadline
  // passed or the run was cancelled.
  bool Wait(milliseconds d) {
    auto until = std::min(Steady::now() + d, deadline_);
    while (Steady::now() < until && !Cancelled()) {
      auto left = std::chrono::duration_cast<milliseconds>(until - Steady::now());
      std::this_thread::sleep_for(std::min(left, milliseconds(50)));
    }
    return !Cancelled() && Steady::now() < deadline_;
  }

  milliseconds Next(milliseconds delay) const { return std::min(options_.max_poll, delay * 2); }

  std::string Start() {
    std::vector<QueuedTable> mine;
    for (const auto& t : refresh_.tables) mine.push_back({t.table->table, t.table->incremental});
    milliseconds delay = options_.first_poll;
    for (;;) {
      RefreshStart start;
      auto turn = queue_.Take(mine, [&](const std::vector<QueuedTable>& tables) {
        start = client_.StartRefresh(group_, dataset_, RefreshBody(config_, tables, timeout_));
        return start.kind == RefreshStart::Kind::kAccepted ? start.request_id : std::string();
      });
      if (!turn.request_id.empty()) {
        Log(LogLevel::kInfo,
            turn.merged ? "Power BI tables in another run's refresh: following it"
                        : "Power BI refresh started",
            {{"semantic_model", refresh_.semantic_model->name},
             {"request_id", turn.request_id},
             {"tables", TableNames(turn.merged ? mine : turn.sent)}});
        return turn.request_id;
      }
      bool busy = start.kind == RefreshStart::Kind::kBusy;
      Log(LogLevel::kInfo,
          busy ? "Power BI semantic model busy: waiting for its running refresh, then asking again"
               : "Power BI throttled the refresh request (429): waiting",
          {{"semantic_model", refresh_.semantic_model->name}, {"detail", start.detail}});
      if (!Wait(std::max<milliseconds>(delay, start.retry_after))) {
        throw PowerBiError(Cancelled() ? "the run was cancelled before the refresh could start"
                           : busy
                               ? "another refresh of the semantic model was still running after " +
                                     Minutes(timeout_) + " (" + start.detail +
                                     "); tributary's refresh did not start"
                               : "Power BI kept answering 429 (too many requests) for " +
                                     Minutes(timeout_) + "; the refresh did not start");
      }
      delay = Next(delay);
    }
  }

  RefreshState Follow(const std::string& request_id) {
    milliseconds delay = options_.first_poll;
    int failures = 0, missing = 0;
    RefreshState state;
    state.status = "NotStarted";
    for (;;) {
      if (!Wait(delay)) CancelAndThrow(request_id, state.status);
      delay = Next(delay);
      try {
        state = client_.GetRefresh(group_, dataset_, request_id, Enhanced());
        failures = 0;
      } catch (const HttpError& e) {
        if (++failures < options_.max_poll_failures) continue;
        throw PowerBiError(fmt::format(
            "lost track of refresh {} ({} polls in a row got no answer: {}); it may still finish "
            "in Power BI, and the next run refreshes these tables again",
            request_id, failures, e.what()));
      }
      if (!state.found && ++missing >= 5) {
        throw PowerBiError("Power BI does not list refresh " + request_id +
                           " (a request sent in a burst may be dropped); the next run asks again");
      }
      if (state.terminal) return state;
    }
  }

  [[noreturn]] void CancelAndThrow(const std::string& request_id, const std::string& status) {
    std::string why = Cancelled() ? "the run was cancelled"
                                  : "the refresh was still " + status + " after " +
                                        Minutes(timeout_) + " (powerbi.timeout_minutes)";
    if (!Enhanced()) {
      throw PowerBiError(why +
                         "; tributary stopped waiting (a refresh on shared capacity cannot "
                         "be cancelled: it may still finish)");
    }
    std::string note;
    try {
      client_.CancelRefresh(group_, dataset_, request_id);
      note = "; tributary cancelled refresh " + request_id;
    } catch (const Error& e) {
      note = "; cancelling refresh " + request_id + " failed: " + e.what();
    }
    throw PowerBiError(why + note);
  }

  RefreshQueue queue_;
  const PowerBiClient& client_;
  const PowerBiConfig& config_;
  const ModelRefresh& refresh_;
  const RefreshOptions& options_;
  milliseconds timeout_;
  Steady::time_point deadline_;
  std::string group_;
  std::string dataset_;
};

std::string ObjectStatus(const RefreshState& state, const std::string& table) {
  for (const auto& o : state.objects) {
    if (o.table == table && !o.status.empty()) return o.status;
  }
  return "";
}

std::string TableError(const PowerBiSemanticModel& sm, const std::string& table,
                       const std::string& object, const std::string& error) {
  return fmt::format(
      "Power BI semantic model '{}' (workspace '{}', dataset '{}'), table '{}'{}: {}", sm.name,
      sm.workspace, sm.dataset, table, object.empty() ? "" : " (" + object + ")", error);
}

std::vector<TableOutcome> FailModel(const ModelRefresh& refresh, const std::string& error,
                                    TimePoint now) {
  std::vector<TableOutcome> out;
  for (const auto& ref : refresh.tables) {
    out.push_back({ref, "failed", now, now,
                   TableError(*refresh.semantic_model, ref.table->table, "", error), ""});
  }
  return out;
}

std::vector<TableOutcome> RefreshModel(const PowerBiClient& client, const PowerBiConfig& config,
                                       const ModelRefresh& refresh, const RefreshOptions& options,
                                       milliseconds timeout, const std::filesystem::path& queue_dir,
                                       const Clock& clock) {
  std::vector<TableOutcome> out;
  TimePoint started = clock.Now();
  std::string request_id, error;
  RefreshState state;
  try {
    ModelRun run(client, config, refresh, options, timeout, queue_dir);
    state = run.Run(request_id);
    if (!state.succeeded) {
      error = "the refresh " + request_id + " ended " + state.status +
              (state.error.empty() ? "" : ": " + state.error);
    }
  } catch (const std::exception& e) {
    error = e.what();
  }
  const auto& sm = *refresh.semantic_model;
  for (const auto& ref : refresh.tables) {
    TableOutcome o{ref,       error.empty() ? "succeeded" : "failed", started, clock.Now(), "",
                   request_id};
    if (!error.empty()) {
      o.error = TableError(sm, ref.table->table, ObjectStatus(state, ref.table->table), error);
    }
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace

std::string RefreshBody(const PowerBiConfig& config, const std::vector<QueuedTable>& tables,
                        milliseconds timeout) {
  nlohmann::ordered_json body;
  if (config.capacity == "shared") {
    body["notifyOption"] = "NoNotification";
    return body.dump();
  }
  body["type"] = "full";
  body["commitMode"] = "transactional";
  body["objects"] = nlohmann::ordered_json::array();
  bool incremental = false;
  for (const auto& t : tables) {
    body["objects"].push_back({{"table", t.table}});
    incremental |= t.incremental;
  }
  body["applyRefreshPolicy"] = incremental;
  int64_t minutes = std::clamp<int64_t>((timeout.count() + 59'999) / 60'000, 1, 24 * 60);
  body["timeout"] = fmt::format("{:02}:{:02}:00", minutes / 60, minutes % 60);
  return body.dump();
}

std::vector<TableOutcome> RunRefreshes(const Project& project, const RefreshPlan& plan,
                                       const RefreshOptions& options, const Clock& clock) {
  std::optional<PowerBiClient> client;
  std::string client_error;
  try {
    client.emplace(project.powerbi, project.dir, options.http);
  } catch (const Error& e) {
    client_error = e.what();
  }
  milliseconds timeout = options.timeout.count() > 0
                             ? options.timeout
                             : milliseconds(project.powerbi.timeout_minutes * 60'000LL);
  std::vector<std::vector<TableOutcome>> results(plan.refreshes.size());
  std::filesystem::path queue_dir = project.dir / ".tributary" / "powerbi";
  std::vector<std::thread> threads;
  for (size_t i = 0; i < plan.refreshes.size(); ++i) {
    if (!client) {
      results[i] = FailModel(plan.refreshes[i], client_error, clock.Now());
      continue;
    }
    threads.emplace_back([&, i] {
      results[i] = RefreshModel(*client, project.powerbi, plan.refreshes[i], options, timeout,
                                queue_dir, clock);
    });
  }
  for (auto& t : threads) t.join();
  std::vector<TableOutcome> out;
  for (auto& r : results) {
    for (auto& o : r) out.push_back(std::move(o));
  }
  TimePoint now = clock.Now();
  for (const auto& s : plan.skipped) {
    std::string error = fmt::format("Power BI semantic model '{}', table '{}': {}",
                                    s.ref.semantic_model->name, s.ref.table->table, s.reason);
    out.push_back({s.ref, "failed", now, now, error, ""});
  }
  return out;
}

}  // namespace tributary
