// Authorized requests to one Azure Blob container (Azure Storage, ADLS Gen2
// through its Blob endpoint, or Azurite): Shared Key, SAS or an Entra ID
// bearer token, x-ms-date / x-ms-version on every attempt, retries, and the
// errors users can act on. The Azure store and its block upload are built
// on it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "clients/http/access_token.h"
#include "clients/http/http_client.h"

namespace tributary {

// How requests are authorized; exactly one is used (the first set).
struct AzureAuth {
  std::string account_key;              // Shared Key (base64, a secret)
  std::string sas_token;                // query string, with or without '?' (a secret)
  std::shared_ptr<TokenSource> tokens;  // Entra ID: service principal or managed identity
  std::string describe;                 // "the account key", for messages
};

struct AzureConfig {
  std::string url;  // the store's root as the user wrote it, for messages
  std::string account;
  std::string container;
  std::string prefix;             // no leading or trailing '/'
  std::string endpoint;           // "" → https://<account>.blob.core.windows.net (Azurite:
                                  // http://host:port/<account>)
  int64_t block_size = 16 << 20;  // block upload block size
  int64_t block_upload_threshold = 16 << 20;  // files larger than this go in blocks
  int max_results = 5000;                     // listing page size
  HttpOptions http;
};

// Thread-safe.
class AzureClient {
 public:
  static constexpr const char* kApiVersion = "2023-11-03";

  AzureClient(AzureConfig config, AzureAuth auth);

  const AzureConfig& config() const { return config_; }

  // The URL of blob `full_key` ("" = the container) with `query` (encoded,
  // without '?'); the SAS is added when sending.
  std::string UrlFor(const std::string& full_key, const std::string& query = "") const;

  // Authorizes (every attempt) and sends. Throws StoreError when no answer
  // came or the token could not be had.
  HttpResponse Send(const HttpRequest& request) const;

  // Throws the StoreError for a failed answer: action, key, status, Azure's
  // error code and the fix when the user has one.
  [[noreturn]] void Fail(const HttpResponse& response, const std::string& action,
                         const std::string& key) const;

  // Azure's error code of a response (x-ms-error-code or the body's <Code>).
  static std::string ErrorCode(const HttpResponse& response);

 private:
  void Authorize(HttpRequest& request) const;

  AzureConfig config_;
  AzureAuth auth_;
  HttpClient http_;
};

}  // namespace tributary
