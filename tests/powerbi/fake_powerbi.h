// A Power BI service and Entra ID token endpoint on 127.0.0.1 that speak the
// documented protocol (docs/powerbi.md): the client-credentials token
// exchange; workspaces and datasets listed by name; POST of a refresh
// answered 202 with RequestId and Location; GET of a refresh answered 202
// while it runs and 200 with its status, objects and messages once it ended;
// the refresh history; DELETE. Tests script the deviations: replies to the
// next POSTs or GETs (409 busy, 429, 5xx, dropped connections) and the
// statuses a refresh goes through. Every request is kept for assertions.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "clients/http/url.h"
#include "support/loopback_http_server.h"

namespace tributary::testing {

class FakePowerBi {
 public:
  static constexpr const char* kTenant = "contoso-tenant";
  static constexpr const char* kClientId = "pbi-client";
  static constexpr const char* kSalesGroup = "11111111-2222-3333-4444-555555555555";
  static constexpr const char* kSalesDataset = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
  static constexpr const char* kFinanceDataset = "ffffffff-bbbb-cccc-dddd-eeeeeeeeeeee";

  FakePowerBi() = default;

  std::string Url() const { return server_.Url(); }
  std::string ApiUrl() const { return server_.Url() + "/v1.0/myorg"; }

  // The secret the token endpoint accepts.
  void SetSecret(std::string secret) {
    Locked([&] { secret_ = std::move(secret); });
  }
  // Replies to the next POSTs of refreshes of `dataset`, before the 202s.
  void ScriptPosts(const std::string& dataset, std::vector<LoopbackReply> replies) {
    Locked([&] { posts_[dataset].insert(posts_[dataset].end(), replies.begin(), replies.end()); });
  }
  // Replies to the next GETs of a refresh of `dataset`, before its statuses.
  void ScriptGets(const std::string& dataset, std::vector<LoopbackReply> replies) {
    Locked([&] { gets_[dataset].insert(gets_[dataset].end(), replies.begin(), replies.end()); });
  }
  // The statuses successive GETs of each refresh of `dataset` started from
  // now on report; the last repeats. Default: Completed.
  void ScriptStatuses(const std::string& dataset, std::vector<std::string> statuses) {
    Locked([&] { statuses_[dataset] = {statuses.begin(), statuses.end()}; });
  }
  // Power BI's rule: a POST finding a refresh of the dataset that has not
  // been seen to end is refused with 409.
  void OneRefreshAtATime() {
    Locked([&] { one_at_a_time_ = true; });
  }

  std::vector<LoopbackRequest> Requests() const { return server_.Requests(); }
  // Requests whose method is `method` and whose target contains `part`.
  std::vector<LoopbackRequest> Requests(const std::string& method, const std::string& part) const {
    std::vector<LoopbackRequest> out;
    for (const auto& r : server_.Requests()) {
      if (r.method == method && r.target.find(part) != std::string::npos) out.push_back(r);
    }
    return out;
  }
  // The body of the POST that started refresh `id` (null when none did).
  nlohmann::json Body(const std::string& id) const {
    std::lock_guard lock(mutex_);
    auto it = bodies_.find(id);
    return it != bodies_.end() ? it->second : nlohmann::json();
  }
  // When each POST of a refresh arrived.
  std::vector<std::chrono::steady_clock::time_point> PostTimes() const {
    std::lock_guard lock(mutex_);
    return post_times_;
  }

 private:
  template <typename F>
  void Locked(F f) {
    std::lock_guard lock(mutex_);
    f();
  }

  static LoopbackReply Json(int status, const nlohmann::json& body) {
    auto reply = LoopbackReply::Answer(status, body.dump());
    reply.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
    return reply;
  }
  static LoopbackReply PbiError(int status, const std::string& code, const std::string& message) {
    return Json(status, {{"error", {{"code", code}, {"message", message}}}});
  }

  LoopbackReply Handle(const LoopbackRequest& r) {
    std::lock_guard lock(mutex_);
    if (r.target == std::string("/") + kTenant + "/oauth2/v2.0/token") return Token(r);
    if (r.target.rfind("/v1.0/myorg/", 0) != 0) return PbiError(404, "NotFound", r.target);
    if (r.Header("authorization").rfind("Bearer tok-", 0) != 0) {
      return PbiError(403, "TokenExpired", "no valid token");
    }
    std::string path = r.target.substr(std::string("/v1.0/myorg").size());
    if (path.rfind("/groups?", 0) == 0) return Groups(path);
    std::string prefix = std::string("/groups/") + kSalesGroup + "/datasets";
    if (path.rfind("/groups/", 0) == 0 && path.rfind(prefix, 0) != 0) {
      return PbiError(404, "ItemNotFound", "Couldn't find the workspace");
    }
    if (path == prefix) {
      return Json(200, {{"value",
                         {{{"id", kSalesDataset}, {"name", "Sales"}},
                          {{"id", kFinanceDataset}, {"name", "Finance"}}}}});
    }
    std::string rest = path.substr(prefix.size() + 1);  // {dataset}/refreshes…
    std::string dataset = rest.substr(0, rest.find('/'));
    if (dataset != kSalesDataset && dataset != kFinanceDataset) {
      return PbiError(404, "ItemNotFound", "Dataset " + dataset + " is not found");
    }
    return Refreshes(r, dataset, rest.substr(rest.find('/')));
  }

  LoopbackReply Token(const LoopbackRequest& r) {
    std::string secret, client;
    for (const auto& [name, value] : ParseQuery(r.body)) {
      if (name == "client_secret") secret = value;
      if (name == "client_id") client = value;
    }
    if (secret != secret_ || client != kClientId) {
      return Json(401, {{"error", "invalid_client"},
                        {"error_description",
                         "AADSTS7000215: Invalid client secret provided. Trace ID: 0\r\nmore"}});
    }
    return Json(200, {{"token_type", "Bearer"},
                      {"expires_in", 3599},
                      {"access_token", "tok-" + std::to_string(++tokens_)}});
  }

  LoopbackReply Groups(const std::string& path) {
    std::string filter;
    for (const auto& [name, value] : ParseQuery(path.substr(path.find('?') + 1))) {
      if (name == "$filter") filter = value;
    }
    nlohmann::json value = nlohmann::json::array();
    if (filter == "name eq 'Sales Analytics'") {
      value.push_back({{"id", kSalesGroup}, {"name", "Sales Analytics"}});
    }
    return Json(200, {{"value", value}});
  }

  LoopbackReply Refreshes(const LoopbackRequest& r, const std::string& dataset,
                          const std::string& tail) {
    if (r.method == "POST" && tail == "/refreshes") return Post(r, dataset);
    if (r.method == "GET" && tail.rfind("/refreshes?", 0) == 0) return History(dataset);
    std::string id = tail.substr(std::string("/refreshes/").size());
    if (r.method == "DELETE") return LoopbackReply::Answer(200);
    if (r.method == "GET") return Get(dataset, id);
    return PbiError(405, "MethodNotAllowed", r.method);
  }

  LoopbackReply Post(const LoopbackRequest& r, const std::string& dataset) {
    post_times_.push_back(std::chrono::steady_clock::now());
    auto& script = posts_[dataset];
    if (!script.empty()) {
      LoopbackReply reply = script.front();
      script.pop_front();
      return reply;
    }
    if (one_at_a_time_ && running_.count(dataset) > 0) {
      return PbiError(409, "Conflict", "Another refresh request is already executing");
    }
    std::string id = "req-" + dataset.substr(0, 8) + "-" + std::to_string(++refreshes_);
    last_id_[dataset] = id;
    running_.insert(dataset);
    auto scripted = statuses_.find(dataset);
    refresh_statuses_[id] =
        scripted != statuses_.end() ? scripted->second : std::deque<std::string>{"Completed"};
    bodies_[id] = nlohmann::json::parse(r.body, nullptr, false);
    LoopbackReply reply = LoopbackReply::Answer(202);
    reply.headers.emplace_back("RequestId", id);
    reply.headers.emplace_back("Location", ApiUrl() + "/groups/" + kSalesGroup + "/datasets/" +
                                               dataset + "/refreshes/" + id);
    return reply;
  }

  std::string NextStatus(const std::string& dataset, const std::string& id) {
    auto it = refresh_statuses_.find(id);
    if (it == refresh_statuses_.end() || it->second.empty()) return "Completed";
    std::string status = it->second.front();
    if (it->second.size() > 1) it->second.pop_front();
    if (Terminal(status) && last_id_[dataset] == id) running_.erase(dataset);
    return status;
  }

  static bool Terminal(const std::string& s) {
    return s == "Completed" || s == "Failed" || s == "Cancelled" || s == "Disabled";
  }

  LoopbackReply Get(const std::string& dataset, const std::string& id) {
    auto& script = gets_[dataset];
    if (!script.empty()) {
      LoopbackReply reply = script.front();
      script.pop_front();
      return reply;
    }
    if (refresh_statuses_.count(id) == 0) return PbiError(404, "ItemNotFound", "no refresh " + id);
    std::string status = NextStatus(dataset, id);
    nlohmann::json body = {{"startTime", "2026-12-07T10:00:00Z"},
                           {"type", "Full"},
                           {"commitMode", "Transactional"},
                           {"status", Terminal(status) ? status : "Unknown"},
                           {"extendedStatus", status},
                           {"numberOfAttempts", 1}};
    nlohmann::json objects = nlohmann::json::array();
    const auto& sent = bodies_[id];
    if (sent.is_object() && sent.contains("objects")) {
      for (const auto& o : sent["objects"]) {
        objects.push_back({{"table", o["table"]}, {"partition", o["table"]}, {"status", status}});
      }
    }
    body["objects"] = objects;
    if (status == "Failed") {
      body["messages"] = {{{"code", "ModelRefreshFailed_CredentialsNotSpecified"},
                           {"message", "The credentials provided for the source are invalid."},
                           {"type", "Error"}}};
    }
    return Json(Terminal(status) ? 200 : 202, body);
  }

  LoopbackReply History(const std::string& dataset) {
    std::string status = NextStatus(dataset, last_id_[dataset]);
    return Json(200, {{"value",
                       {{{"requestId", last_id_[dataset]},
                         {"refreshType", "ViaApi"},
                         {"status", Terminal(status) ? status : "Unknown"}},
                        {{"requestId", "older"}, {"status", "Completed"}}}}});
  }

  mutable std::mutex mutex_;
  std::string secret_ = "s3cr3t-Value!";
  int tokens_ = 0;
  int refreshes_ = 0;
  std::map<std::string, std::deque<LoopbackReply>> posts_, gets_;
  std::map<std::string, std::deque<std::string>> statuses_;
  std::map<std::string, std::string> last_id_;
  std::map<std::string, nlohmann::json> bodies_;                     // by refresh id
  std::map<std::string, std::deque<std::string>> refresh_statuses_;  // by refresh id
  std::set<std::string> running_;  // datasets with a refresh not seen to end
  bool one_at_a_time_ = false;
  std::vector<std::chrono::steady_clock::time_point> post_times_;
  LoopbackHttpServer server_{[this](const LoopbackRequest& r) { return Handle(r); }};
};

}  // namespace tributary::testing
