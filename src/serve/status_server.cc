#include "serve/status_server.h"

#include <fmt/format.h>
#include <httplib.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "config/secrets.h"
#include "cron/cron.h"
#include "engine/connectors.h"
#include "engine/status_json.h"
#include "serve/assets.h"
#include "serve/lineage.h"
#include "serve/metrics.h"
#include "serve/project_status.h"

namespace tributary {
namespace {

using httplib::Request;
using httplib::Response;
using nlohmann::json;

void SendJson(Response& res, int status, const json& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(body.dump(), "application/json; charset=utf-8");
}

void SendError(Response& res, int status, const std::string& message) {
  SendJson(res, status, {{"error", message}, {"status", status}});
}

// Compares in time independent of where the texts differ.
bool SameSecret(const std::string& given, const std::string& wanted) {
  unsigned char diff = given.size() == wanted.size() ? 0 : 1;
  for (size_t i = 0; i < given.size(); ++i) {
    diff |= static_cast<unsigned char>(given[i] ^ wanted[i % std::max<size_t>(wanted.size(), 1)]);
  }
  return diff == 0;
}

std::string Base64Decode(const std::string& text) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int bits = 0, value = 0;
  for (char c : text) {
    if (c == '=') break;
    auto at = kAlphabet.find(c);
    if (at == std::string::npos) return "";
    value = (value << 6) | static_cast<int>(at);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((value >> bits) & 0xff);
    }
  }
  return out;
}

// `Authorization: Bearer <token>`, or basic auth with the token as password.
bool Authorized(const Request& req, const std::string& token) {
  if (token.empty()) return true;
  std::string header = req.get_header_value("Authorization");
  if (header.rfind("Bearer ", 0) == 0) return SameSecret(header.substr(7), token);
  if (header.rfind("Basic ", 0) == 0) {
    std::string decoded = Base64Decode(header.substr(6));
    auto colon = decoded.find(':');
    return colon != std::string::npos && SameSecret(decoded.substr(colon + 1), token);
  }
  return false;
}

std::string EscapeRegex(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::strchr(".^$|()[]{}*+?\\", c) != nullptr) out += '\\';
    out += c;
  }
  return out;
}

json ScheduleJson(const Project& project, const std::vector<Task>& tables, TimePoint now) {
  json out = {{"frequencies", json::array()}};
  for (const auto& f : project.frequencies) {
    json next;
    try {
      auto at = CronSchedule::Parse(f.cron, f.timezone).Next(now);
      if (at && !f.paused) next = IsoUtc(*at);
    } catch (const Error&) {
    }
    int count = 0;
    for (const auto& t : tables) count += t.frequency == f.name;
    out["frequencies"].push_back({{"name", f.name},
                                  {"cron", f.cron},
                                  {"timezone", f.timezone},
                                  {"paused", f.paused},
                                  {"next_run", next},
                                  {"tables", count}});
  }
  return out;
}

// A task's recent results across the snapshot's runs, newest first.
json RecentLoads(const FeedSnapshot& feed, const std::string& task_id) {
  json loads = json::array();
  for (const auto& run : feed.runs) {
    auto it = feed.results.find(run.run_id);
    if (it == feed.results.end()) continue;
    for (const auto& r : it->second) {
      if (r.task_id == task_id) loads.push_back(TaskResultJson(r));
    }
  }
  return loads;
}

json CdcReadingJson(const CdcReading& r) {
  auto bytes = [](const std::optional<int64_t>& b) { return b ? json(*b) : json(); };
  auto text = [](const std::string& t) { return t.empty() ? json() : json(t); };
  return {{"task_id", r.task->id()},
          {"stream", text(r.status.stream)},
          {"state", r.error.empty() ? json(r.status.state) : json("error")},
          {"acknowledged", text(r.status.acknowledged)},
          {"head", text(r.status.head)},
          {"lag_bytes", bytes(r.status.lag_bytes)},
          {"retained_bytes", bytes(r.status.retained_bytes)},
          {"checked_at", IsoUtc(r.checked_at)},
          {"error", text(r.error)}};
}

const TableStatus* FindRow(const ProjectStatus& status, const std::string& id) {
  for (const auto* rows : {&status.table_rows, &status.model_rows, &status.report_rows}) {
    for (const auto& s : *rows) {
      if (s.task->id() == id) return &s;
    }
  }
  return nullptr;
}

}  // namespace

std::shared_ptr<const ProjectStatus> StatusServer::Judge(
    const std::shared_ptr<const FeedSnapshot>& feed) {
  std::lock_guard lock(judged_mutex_);
  if (feed != judged_feed_) {
    judged_ = std::make_shared<ProjectStatus>(GatherStatus(
        project_, tables_, StatusLayers{}, feed->history, SystemClock::Instance().Now()));
    judged_feed_ = feed;
  }
  return judged_;
}

void StatusServer::Routes() {
  http_->set_payload_max_length(4096);  // GET and HEAD only: no body
  http_->set_keep_alive_timeout(2);
  http_->set_read_timeout(5);
  http_->set_write_timeout(5);
  http_->set_pre_routing_handler([this](const Request& req, Response& res) {
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Content-Security-Policy",
                   "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
    if (req.method != "GET" && req.method != "HEAD") {
      res.set_header("Allow", "GET, HEAD");
      SendError(res, 405, "the status server is read-only: only GET and HEAD");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.path != "/healthz" && !Authorized(req, options_.token)) {
      res.set_header("WWW-Authenticate", "Basic realm=\"tributary\"");
      SendError(res, 401, "a token is required: Authorization: Bearer <token>, or basic auth");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  http_->set_error_handler([](const Request&, Response& res) {
    if (res.body.empty()) {
      SendError(res, res.status, res.status == 404 ? "not found" : "bad request");
    }
  });
  for (const EmbeddedAsset& asset : EmbeddedAssets()) {
    http_->Get(EscapeRegex(asset.path), [&asset](const Request&, Response& res) {
      res.set_header("Cache-Control", "no-cache");
      res.set_content(std::string(asset.body), std::string(asset.content_type));
    });
  }
  http_->Get("/healthz", [](const Request&, Response& res) {
    SendJson(res, 200, {{"status", "ok"}});
  });
  ApiRoutes();
}

void StatusServer::ApiRoutes() {
  // Answers 503 when the sink cannot be read; else calls `answer`.
  auto with_status = [this](Response& res, const auto& answer) {
    auto feed = feed_.Current();
    if (!feed->error.empty()) {
      SendJson(res, 503,
               {{"error", "cannot read the run history: " + feed->error}, {"status", 503}});
      return;
    }
    answer(*feed, *Judge(feed));
  };
  http_->Get("/api/status", [this, with_status](const Request&, Response& res) {
    with_status(res, [&](const FeedSnapshot& feed, const ProjectStatus& status) {
      json out = ProjectStatusJson(project_, status, SystemClock::Instance().Now());
      if (!feed.note.empty()) out["note"] = feed.note;
      for (const auto& w : status.warnings) out["warnings"].push_back(w);
      SendJson(res, 200, out);
    });
  });
  http_->Get("/api/runs", [with_status](const Request& req, Response& res) {
    size_t limit = 20;
    if (req.has_param("limit")) {
      limit =
          static_cast<size_t>(std::clamp(std::atoi(req.get_param_value("limit").c_str()), 1, 1000));
    }
    bool results = req.get_param_value("results") == "true";
    with_status(res, [&](const FeedSnapshot& feed, const ProjectStatus&) {
      std::vector<RunRecord> runs(feed.runs.begin(),
                                  feed.runs.begin() + std::min(limit, feed.runs.size()));
      json out = RunListJson(runs);
      for (auto& r : out["runs"]) {
        auto it = feed.results.find(r["run_id"].get<std::string>());
        if (results && it != feed.results.end()) {
          r["results"] = RunDetailJson(RunRecord{}, it->second)["results"];
        }
      }
      if (!feed.note.empty()) out["note"] = feed.note;
      SendJson(res, 200, out);
    });
  });
  http_->Get(R"(/api/runs/([A-Za-z0-9_.:-]{1,200}))",
             [this, with_status](const Request& req, Response& res) {
               std::string id = req.matches[1];
               with_status(res, [&](const FeedSnapshot& feed, const ProjectStatus&) {
                 for (const auto& run : feed.runs) {
                   auto it = feed.results.find(id);
                   if (run.run_id == id && it != feed.results.end()) {
                     return SendJson(res, 200, RunDetailJson(run, it->second));
                   }
                 }
                 try {
                   std::vector<RunRecord> runs;
                   std::vector<TaskResult> results;
                   access_.With([&](RunLog& log) {
                     runs = log.ReadRuns(RunQuery{1, id});
                     if (!runs.empty()) results = log.ReadRunResults(id);
                   });
                   if (runs.empty())
                     return SendError(res, 404, "no run '" + id + "' in the run history");
                   SendJson(res, 200, RunDetailJson(runs[0], results));
                 } catch (const std::exception& e) {
                   SendError(res, 503, std::string("cannot read the run now: ") + e.what());
                 }
               });
             });
  http_->Get(R"(/api/tables/([A-Za-z0-9_.:-]{1,300}))", [this, with_status](const Request& req,
                                                                            Response& res) {
    std::string id = req.matches[1];
    with_status(res, [&](const FeedSnapshot& feed, const ProjectStatus& status) {
      const TableStatus* row = FindRow(status, id);
      if (row == nullptr)
        return SendError(res, 404, "no table, model or Power BI table '" + id + "'");
      SendJson(res, 200, {{"status", TableStatusJson(*row)}, {"loads", TableLoads(feed, id)}});
    });
  });
  http_->Get("/api/lineage", [this, with_status](const Request&, Response& res) {
    with_status(res, [&](const FeedSnapshot&, const ProjectStatus& status) {
      SendJson(res, 200, LineageJson(project_, status));
    });
  });
  http_->Get("/api/schedule", [this](const Request&, Response& res) {
    SendJson(res, 200, ScheduleJson(project_, tables_, SystemClock::Instance().Now()));
  });
  http_->Get("/api/cdc", [this](const Request&, Response& res) {
    json out = {{"tables", json::array()}};
    for (const auto& r : cdc_->Current()) out["tables"].push_back(CdcReadingJson(r));
    SendJson(res, 200, out);
  });
  http_->Get("/metrics", [this](const Request&, Response& res) {
    auto feed = feed_.Current();
    auto status = feed->error.empty() ? Judge(feed) : nullptr;
    res.set_header("Cache-Control", "no-store");
    res.set_content(
        MetricsText(project_, status.get(), cdc_->Current(), SystemClock::Instance().Now()),
        "text/plain; version=0.0.4; charset=utf-8");
  });
}

json StatusServer::TableLoads(const FeedSnapshot& feed, const std::string& task_id) {
  constexpr int kTableLoads = 25;
  std::lock_guard lock(loads_mutex_);
  TimePoint now = SystemClock::Instance().Now();
  if (auto it = loads_.find(task_id);
      it != loads_.end() && now - it->second.first < options_.feed.max_age) {
    return it->second.second;
  }
  json loads = json::array();
  try {
    access_.With([&](RunLog& log) {
      for (const auto& r : log.ReadTaskResults(task_id, kTableLoads)) {
        loads.push_back(TaskResultJson(r));
      }
    });
  } catch (const std::exception&) {
    return RecentLoads(feed, task_id);  // busy or unreadable now: what the feed holds
  }
  if (loads_.size() > 1000) loads_.clear();  // ids come from requests: keep the map bounded
  loads_[task_id] = {now, loads};
  return loads;
}

std::string ResolveServeToken(const Project& project) {
  return project.serve.token.empty() ? "" : ResolveSecrets(project.serve.token, project.dir);
}

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

void ParseListenAddress(const std::string& text, ServeOptions& options) {
  auto colon = text.rfind(':');
  auto bad = [&](const std::string& why) {
    return ConfigError(
        fmt::format("--listen '{}': {}; give host:port, e.g. 127.0.0.1:8080", text, why));
  };
  if (colon == std::string::npos) throw bad("no port");
  std::string host = text.substr(0, colon), port = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) host = "127.0.0.1";
  size_t used = 0;
  int number = -1;
  try {
    number = std::stoi(port, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != port.size() || number < 0 || number > 65535) {
    throw bad("the port is not a number from 0 to 65535");
  }
  options.host = host;
  options.port = number;
}

StatusServer::StatusServer(const Project& project, std::vector<Task> tables, RunLogAccess& access,
                           ServeOptions options)
    : project_(project),
      tables_(std::move(tables)),
      options_(std::move(options)),
      access_(access),
      feed_(access, SystemClock::Instance(), options_.feed),
      cdc_(std::make_unique<CdcProbe>(project_, tables_, options_.cdc_interval)),
      http_(std::make_unique<httplib::Server>()) {
  if (!IsLoopback(options_.host) && options_.token.empty()) {
    throw ConfigError(fmt::format(
        "serving on {} (not a loopback address) needs a token: set serve.token in "
        "tributary.yml to a secret reference such as ${{env:TRIBUTARY_SERVE_TOKEN}}, or listen "
        "on 127.0.0.1",
        options_.host));
  }
  Routes();
}

StatusServer::~StatusServer() { Stop(); }

void StatusServer::Bind() {
  errno = 0;
  if (options_.port == 0) {
    port_ = http_->bind_to_any_port(options_.host);
  } else {
    port_ = http_->bind_to_port(options_.host, options_.port) ? options_.port : -1;
  }
  if (port_ <= 0) {
    throw Error(fmt::format("cannot listen on {}:{}: {}", options_.host, options_.port,
                            errno != 0 ? std::strerror(errno) : "the address cannot be bound"));
  }
}

void StatusServer::Start() {
  thread_ = std::thread([this] { http_->listen_after_bind(); });
  for (int i = 0; i < 400 && !http_->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void StatusServer::Serve() { http_->listen_after_bind(); }

void StatusServer::Stop() {
  if (http_) http_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace tributary
