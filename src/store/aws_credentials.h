// Where S3 requests get their credentials, in the order the AWS tools use:
// static keys from the sink settings; else AWS_ACCESS_KEY_ID /
// AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN; else web identity
// (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN → STS
// AssumeRoleWithWebIdentity); else the ECS container endpoint
// (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI); else the EC2
// instance metadata service (IMDSv2). Temporary credentials are fetched
// again 5 minutes before they expire.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "clients/http/http_client.h"
#include "store/aws_sigv4.h"
#include "store/open_store.h"

namespace tributary {

// Thread-safe: one source serves every request of a store.
class AwsCredentialSource {
 public:
  using Fetch = std::function<AwsCredentials()>;
  static constexpr std::chrono::minutes kMinTtl{5};

  AwsCredentialSource(Fetch fetch, std::string describe)
      : fetch_(std::move(fetch)), describe_(std::move(describe)) {}

  // Valid credentials. Throws StoreError (naming the source and the fix,
  // never a secret) when they cannot be fetched.
  AwsCredentials Get();
  // "static keys from the sink settings", "web identity for role …": for
  // messages.
  const std::string& Describe() const { return describe_; }

 private:
  Fetch fetch_;
  std::string describe_;
  std::mutex mutex_;
  std::optional<AwsCredentials> cached_;
};

// Picks the first source of the chain that is configured (without a
// network call; the metadata service is the fallback). `region` is used
// for the STS endpoint. Endpoints follow the standard variables:
// AWS_ENDPOINT_URL_STS, AWS_EC2_METADATA_SERVICE_ENDPOINT,
// AWS_EC2_METADATA_DISABLED=true.
std::unique_ptr<AwsCredentialSource> AwsCredentialChain(const StoreOptions& options,
                                                        const HttpClient& http,
                                                        const std::string& region);

}  // namespace tributary
