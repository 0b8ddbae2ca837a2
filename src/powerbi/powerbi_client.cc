#include "powerbi/powerbi_client.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "clients/http/url.h"
#include "config/secrets.h"
#include "powerbi/powerbi_error.h"

namespace tributary {
namespace {

using nlohmann::json;

// 8-4-4-4-12 hexadecimal digits: an id, not a name.
bool IsGuid(const std::string& text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string StringField(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

std::chrono::seconds RetryAfter(const HttpResponse& response) {
  std::string value = response.Header("retry-after");
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (value.empty() || value.size() > 6 || !std::all_of(value.begin(), value.end(), digit)) {
    return std::chrono::seconds(0);
  }
  return std::chrono::seconds(std::stoi(value));
}

// The id of the refresh a 202 started: the RequestId header, else the last
// segment of Location (…/refreshes/{id}).
std::string StartedRequestId(const HttpResponse& response) {
  std::string id = response.Header("requestid");
  if (!id.empty()) return id;
  std::string location = response.Header("location");
  while (!location.empty() && location.back() == '/') location.pop_back();
  auto slash = location.rfind('/');
  return slash == std::string::npos ? "" : location.substr(slash + 1);
}

bool IsTerminal(const std::string& status) {
  for (const char* s : {"Completed", "Failed", "Cancelled", "Disabled", "TimedOut"}) {
    if (status == s) return true;
  }
  return false;
}

// The error text of a failed enhanced refresh: its messages of type Error
// (or all of them), one after the other.
std::string Messages(const json& body) {
  std::string out;
  auto it = body.find("messages");
  if (it == body.end() || !it->is_array()) return out;
  for (const auto& m : *it) {
    if (!m.is_object()) continue;
    std::string type = StringField(m, "type");
    if (!type.empty() && type != "Error") continue;
    std::string code = StringField(m, "code");
    out +=
        (out.empty() ? "" : "; ") + (code.empty() ? "" : code + ": ") + StringField(m, "message");
  }
  return out;
}

RefreshState EnhancedState(const json& body) {
  RefreshState state;
  state.status = StringField(body, "status");
  std::string extended = StringField(body, "extendedStatus");
  if ((state.status.empty() || state.status == "Unknown") && !extended.empty()) {
    state.status = extended;
  }
  if (state.status.empty()) state.status = "Unknown";
  state.terminal = IsTerminal(state.status);
  state.succeeded = state.status == "Completed";
  if (state.terminal && !state.succeeded) state.error = Messages(body);
  if (auto it = body.find("objects"); it != body.end() && it->is_array()) {
    for (const auto& o : *it) {
      if (o.is_object())
        state.objects.push_back({StringField(o, "table"), StringField(o, "status")});
    }
  }
  return state;
}

// A refresh in the history (shared capacity): status Unknown = running.
RefreshState HistoryState(const json& body, const std::string& request_id) {
  RefreshState state;
  state.found = false;
  auto value = body.find("value");
  if (value == body.end() || !value->is_array()) return state;
  for (const auto& entry : *value) {
    if (!entry.is_object() || StringField(entry, "requestId") != request_id) continue;
    state.found = true;
    state.status = StringField(entry, "status");
    if (state.status.empty()) state.status = "Unknown";
    state.terminal = IsTerminal(state.status);
    state.succeeded = state.status == "Completed";
    if (state.terminal && !state.succeeded)
      state.error = StringField(entry, "serviceExceptionJson");
  }
  return state;
}

json ParseBody(const HttpResponse& response, const std::string& what) {
  auto body = json::parse(response.body, nullptr, false);
  if (!body.is_object())
    throw PowerBiError(what + " answered HTTP " + std::to_string(response.status) +
                       " without a JSON object");
  return body;
}

}  // namespace

std::string DescribeRefusal(const HttpResponse& response) {
  std::string text = "HTTP " + std::to_string(response.status);
  auto body = json::parse(response.body, nullptr, false);
  if (!body.is_object() || !body.contains("error")) return text;
  const json& error = body["error"];
  if (!error.is_object())
    return text + ": " + (error.is_string() ? error.get<std::string>() : error.dump());
  std::string code = StringField(error, "code");
  std::string message = StringField(error, "message");
  if (auto details = error.find("pbi.error"); message.empty() && details != error.end()) {
    message = details->dump();
  }
  return text + (code.empty() ? "" : ": " + code) + (message.empty() ? "" : ": " + message);
}

bool IsRefreshInProgress(const HttpResponse& response) {
  if (response.status == 409) return true;
  if (response.status != 400) return false;
  std::string body = Lower(response.body);
  return body.find("already") != std::string::npos || body.find("in progress") != std::string::npos;
}

PowerBiClient::PowerBiClient(const PowerBiConfig& config, const std::filesystem::path& project_dir,
                             HttpOptions http)
    : api_url_(config.api_url), http_(http) {
  ClientCredentials credentials;
  credentials.tenant_id = ResolveSecrets(config.tenant_id, project_dir);
  credentials.client_id = ResolveSecrets(config.client_id, project_dir);
  credentials.client_secret = ResolveSecrets(config.client_secret, project_dir);
  credentials.scope = config.scope;
  credentials.authority = config.authority;
  tokens_ = ClientCredentialsTokens(http_, std::move(credentials));
}

HttpResponse PowerBiClient::Call(const std::string& method, const std::string& path,
                                 const std::string& body) const {
  HttpRequest request;
  request.method = method;
  request.url = api_url_ + path;
  request.SetHeader("Accept", "application/json");
  if (method == "POST") {
    request.SetHeader("Content-Type", "application/json");
    request.body = body;
  }
  auto tokens = tokens_;
  return http_.Send(request, [tokens](HttpRequest& r) {
    r.SetHeader("Authorization", "Bearer " + tokens->Token());
  });
}

std::string PowerBiClient::RefreshesUrl(const std::string& group,
                                        const std::string& dataset) const {
  return "/groups/" + PercentEncode(group) + "/datasets/" + PercentEncode(dataset) + "/refreshes";
}

std::string PowerBiClient::WorkspaceId(const std::string& workspace) const {
  if (IsGuid(workspace)) return workspace;
  std::string quoted;
  for (char c : workspace) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  HttpResponse response =
      Call("GET", "/groups?" + EncodeQuery({{"$filter", "name eq '" + quoted + "'"}}));
  if (!response.Ok()) {
    throw PowerBiError("cannot list the workspaces named '" + workspace +
                       "': " + DescribeRefusal(response));
  }
  json body = ParseBody(response, "GET /groups");
  for (const auto& g : body.value("value", json::array())) {
    if (g.is_object() && StringField(g, "name") == workspace) return StringField(g, "id");
  }
  throw PowerBiError("no workspace named '" + workspace +
                     "' is visible to the service principal; check the name, and add the "
                     "principal to the workspace as a member or contributor");
}

std::string PowerBiClient::DatasetId(const std::string& group_id,
                                     const std::string& dataset) const {
  if (IsGuid(dataset)) return dataset;
  HttpResponse response = Call("GET", "/groups/" + PercentEncode(group_id) + "/datasets");
  if (!response.Ok()) {
    throw PowerBiError("cannot list the datasets of workspace " + group_id + ": " +
                       DescribeRefusal(response));
  }
  json body = ParseBody(response, "GET /groups/" + group_id + "/datasets");
  for (const auto& d : body.value("value", json::array())) {
    if (d.is_object() && StringField(d, "name") == dataset) return StringField(d, "id");
  }
  throw PowerBiError("workspace " + group_id + " has no semantic model (dataset) named '" +
                     dataset + "'; check the name or give its id");
}

RefreshStart PowerBiClient::StartRefresh(const std::string& group, const std::string& dataset,
                                         const std::string& body) const {
  HttpResponse response = Call("POST", RefreshesUrl(group, dataset), body);
  RefreshStart start;
  if (response.Ok()) {
    start.request_id = StartedRequestId(response);
    if (start.request_id.empty()) {
      throw PowerBiError("Power BI accepted the refresh (HTTP " + std::to_string(response.status) +
                         ") without a RequestId or Location header to follow it by");
    }
    return start;
  }
  start.retry_after = RetryAfter(response);
  if (response.status == 429) {
    start.kind = RefreshStart::Kind::kThrottled;
    return start;
  }
  if (IsRefreshInProgress(response)) {
    start.kind = RefreshStart::Kind::kBusy;
    start.detail = DescribeRefusal(response);
    return start;
  }
  throw PowerBiError("Power BI refused the refresh: " + DescribeRefusal(response));
}

RefreshState PowerBiClient::GetRefresh(const std::string& group, const std::string& dataset,
                                       const std::string& request_id, bool enhanced) const {
  std::string path =
      RefreshesUrl(group, dataset) +
      (enhanced ? "/" + PercentEncode(request_id) : "?" + EncodeQuery({{"$top", "20"}}));
  HttpResponse response = Call("GET", path);
  if (response.status == 429) {
    RefreshState state;
    state.status = "Throttled";
    return state;
  }
  if (!response.Ok()) {
    throw PowerBiError("cannot read the state of refresh " + request_id + ": " +
                       DescribeRefusal(response));
  }
  json body = ParseBody(response, "GET " + path);
  return enhanced ? EnhancedState(body) : HistoryState(body, request_id);
}

void PowerBiClient::CancelRefresh(const std::string& group, const std::string& dataset,
                                  const std::string& request_id) const {
  HttpResponse response =
      Call("DELETE", RefreshesUrl(group, dataset) + "/" + PercentEncode(request_id));
  if (!response.Ok()) {
    throw PowerBiError("Power BI refused to cancel refresh " + request_id + ": " +
                       DescribeRefusal(response));
  }
}

}  // namespace tributary
