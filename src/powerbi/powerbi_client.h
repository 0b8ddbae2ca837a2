// The Power BI REST calls tributary makes, over the shared HTTP client
// (retries with back-off on 5xx, 429 with Retry-After, dropped connections)
// with a service principal's token (Entra ID client credentials, cached
// until it nearly expires): find a workspace and a dataset by name, start an
// enhanced (or, on shared capacity, a plain) refresh, read its state, cancel
// it. Every base URL comes from the configuration (national clouds, tests).
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "clients/http/access_token.h"
#include "clients/http/http_client.h"
#include "config/project.h"

namespace tributary {

// What POST …/refreshes answered.
struct RefreshStart {
  enum class Kind { kAccepted, kBusy, kThrottled } kind = Kind::kAccepted;
  std::string request_id;               // kAccepted
  std::chrono::seconds retry_after{0};  // kBusy, kThrottled: Retry-After, 0 when absent
  std::string detail;                   // kBusy: Power BI's words
};

// One table's state inside an enhanced refresh (its `objects`).
struct RefreshObject {
  std::string table;
  std::string status;
};

// A refresh's state as GET answered it.
struct RefreshState {
  std::string status;  // Unknown | NotStarted | InProgress | Completed | Failed | Cancelled | …
  bool terminal = false;
  bool succeeded = false;
  std::string error;  // Power BI's messages when it failed
  std::vector<RefreshObject> objects;
  bool found = true;  // false: the shared-capacity history does not list it (yet)
};

// Thread-safe: refreshes of several semantic models share one client.
class PowerBiClient {
 public:
  // Resolves the client secret's reference now. Throws ConfigError naming
  // the reference (never its value) when it cannot be resolved.
  PowerBiClient(const PowerBiConfig& config, const std::filesystem::path& project_dir,
                HttpOptions http = {});

  // The id of a workspace given by id (a GUID, returned as is) or name.
  // Throws PowerBiError when no workspace the principal sees has that name.
  std::string WorkspaceId(const std::string& workspace) const;
  // The id of a dataset of workspace `group_id` given by id or name.
  std::string DatasetId(const std::string& group_id, const std::string& dataset) const;

  // POST …/groups/{group}/datasets/{dataset}/refreshes with `body` (JSON).
  // Throws PowerBiError for a refusal that waiting will not cure (401, 403,
  // 404, a bad request) and TokenError when no token can be had.
  RefreshStart StartRefresh(const std::string& group, const std::string& dataset,
                            const std::string& body) const;
  // GET …/refreshes/{id} (enhanced) or the history (`enhanced` false: shared
  // capacity, where only the history lists a refresh).
  RefreshState GetRefresh(const std::string& group, const std::string& dataset,
                          const std::string& request_id, bool enhanced) const;
  // DELETE …/refreshes/{id}. Throws PowerBiError when Power BI refuses.
  void CancelRefresh(const std::string& group, const std::string& dataset,
                     const std::string& request_id) const;

 private:
  HttpResponse Call(const std::string& method, const std::string& path,
                    const std::string& body = "") const;
  std::string RefreshesUrl(const std::string& group, const std::string& dataset) const;

  std::string api_url_;
  HttpClient http_;
  std::shared_ptr<TokenSource> tokens_;
};

// Power BI's `{"error": {"code", "message"}}` of a refused call as one line
// ("HTTP 404: ItemNotFound: …"); the status alone when the body says nothing.
std::string DescribeRefusal(const HttpResponse& response);

// True for an answer meaning "a refresh of this semantic model is already
// running": 409 (the 2021 documentation) or 400 whose error says so (2025).
bool IsRefreshInProgress(const HttpResponse& response);

}  // namespace tributary
