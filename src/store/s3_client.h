// Signed requests to one S3 bucket (AWS or an S3-compatible endpoint such
// as moto): URLs in path or virtual-hosted style, SigV4 with the credential
// chain, retries, and the errors users can act on. The S3 store and its
// multipart upload are built on it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "clients/http/http_client.h"
#include "store/aws_credentials.h"

namespace tributary {

struct S3Config {
  std::string url;  // the store's root as the user wrote it, for messages
  std::string bucket;
  std::string prefix;  // no leading or trailing '/'
  std::string region = "us-east-1";
  std::string endpoint;  // "" → https://s3.<region>.amazonaws.com
  bool virtual_hosted = false;
  int64_t part_size = 16 << 20;            // multipart part size (S3: ≥ 5 MiB)
  int64_t multipart_threshold = 16 << 20;  // files larger than this go multipart
  int max_keys = 1000;                     // listing page size
  HttpOptions http;
};

// Thread-safe: the credential source and the HTTP client are.
class S3Client {
 public:
  S3Client(S3Config config, std::unique_ptr<AwsCredentialSource> credentials);

  const S3Config& config() const { return config_; }

  // The request URL for object `full_key` ("" = the bucket) with `query`
  // (already encoded, without '?').
  std::string UrlFor(const std::string& full_key, const std::string& query = "") const;

  // Signs (every attempt) and sends; `payload_hash` defaults to the hash of
  // the in-memory body. Throws StoreError when no answer came.
  HttpResponse Send(const HttpRequest& request, const std::string& payload_hash = "",
                    const HttpClient::RetryIf& retry_if = {}) const;

  // Throws the StoreError for a failed answer: what was attempted on which
  // key, the status and S3's error code, and the fix when the user has one.
  [[noreturn]] void Fail(const HttpResponse& response, const std::string& action,
                         const std::string& key) const;

 private:
  S3Config config_;
  std::unique_ptr<AwsCredentialSource> credentials_;
  HttpClient http_;
};

}  // namespace tributary
