// The read-only status server behind `tributary serve` and `schedule run
// --http`: the page (assets.h), its JSON API, Prometheus metrics and a
// liveness probe (docs/status-page.md). Nothing it answers changes anything;
// only GET and HEAD are accepted.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "config/project.h"
#include "serve/cdc_probe.h"
#include "serve/project_status.h"
#include "serve/run_log_access.h"
#include "serve/status_feed.h"

namespace httplib {
class Server;
}

namespace tributary {

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (Port() tells which)
  // Non-empty: every request but /healthz must carry it, as
  // `Authorization: Bearer <token>` or as the password of basic auth.
  std::string token;
  FeedOptions feed;
  // How often the cdc tables' streams are read at their sources (lag,
  // retained log; cdc_probe.h).
  std::chrono::milliseconds cdc_interval{30000};
};

// "127.0.0.1:8080", "[::1]:8080", ":8080" (loopback), "0.0.0.0:8080" into
// host and port. Throws ConfigError naming `text` when it is not one.
void ParseListenAddress(const std::string& text, ServeOptions& options);

// serve.token resolved ("" when not set). Throws ConfigError naming the
// reference (never its value) when it cannot be resolved.
std::string ResolveServeToken(const Project& project);

// True for 127.0.0.0/8, ::1 and localhost.
bool IsLoopback(const std::string& host);

class StatusServer {
 public:
  // `tables` are the bronze tables shown (a filtered selection, or all);
  // the project's models and Power BI tables are always shown. `project`
  // and `access` outlive the server. Throws ConfigError when the address is
  // not loopback and no token is given.
  StatusServer(const Project& project, std::vector<Task> tables, RunLogAccess& access,
               ServeOptions options);
  ~StatusServer();
  StatusServer(const StatusServer&) = delete;
  StatusServer& operator=(const StatusServer&) = delete;

  // Binds the address. Throws Error saying which address when it cannot.
  void Bind();
  // The bound port. REQUIRES: Bind() returned.
  int Port() const { return port_; }
  // Serves on a thread of its own until Stop(). REQUIRES: Bind() returned.
  void Start();
  // Serves on this thread until Stop() (from another thread or a signal thread).
  void Serve();
  // Thread-safe; returns when the server has stopped listening.
  void Stop();

 private:
  void Routes();
  void ApiRoutes();
  // The newest kTableLoads results of `task_id`, read from the run log by
  // task (so a daily table among frequent ones still has its loads); those
  // in the feed's runs when the sink cannot be read now.
  nlohmann::json TableLoads(const FeedSnapshot& feed, const std::string& task_id);
  // The status of the feed's current snapshot, judged once per snapshot.
  std::shared_ptr<const ProjectStatus> Judge(const std::shared_ptr<const FeedSnapshot>& feed);

  const Project& project_;
  const std::vector<Task> tables_;
  ServeOptions options_;
  RunLogAccess& access_;
  StatusFeed feed_;
  std::mutex judged_mutex_;
  std::shared_ptr<const FeedSnapshot> judged_feed_;
  std::shared_ptr<const ProjectStatus> judged_;
  // Each table's recent loads as last read for /api/tables/<id> (ReadTaskResults),
  // reused for the feed's max_age.
  std::mutex loads_mutex_;
  std::map<std::string, std::pair<TimePoint, nlohmann::json>> loads_;
  std::unique_ptr<CdcProbe> cdc_;
  std::unique_ptr<httplib::Server> http_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace tributary
