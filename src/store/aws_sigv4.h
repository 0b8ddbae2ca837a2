// AWS Signature Version 4 for S3 requests (and STS), computed by us so it is
// tested against AWS's published examples and works for bodies streamed
// from files (signed as UNSIGNED-PAYLOAD). Pure functions, thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "clients/http/http_message.h"

namespace tributary {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;  // a secret: never printed, never logged
  std::string session_token;      // temporary credentials only
  std::optional<std::chrono::system_clock::time_point> expires;  // nullopt = static
};

// The body hash S3 accepts for bodies not hashed in advance.
inline constexpr const char* kUnsignedPayload = "UNSIGNED-PAYLOAD";

// Hex SHA-256 of an in-memory body, for x-amz-content-sha256.
std::string PayloadHash(const std::string& body);

// "20130524T000000Z" for `time` (UTC).
std::string AmzDate(std::chrono::system_clock::time_point time);

// The canonical request of SigV4 for `request` as it will be sent: every
// header of the request is signed (plus host), names lower-cased and sorted.
std::string CanonicalRequest(const HttpRequest& request, const std::string& payload_hash);

// Signs `request` in place for `service` in `region` at `now`: sets
// x-amz-date, x-amz-content-sha256 (= payload_hash), x-amz-security-token
// when the credentials are temporary, then Authorization. Call after every
// other header is set.
void SignAwsV4(HttpRequest& request, const AwsCredentials& credentials, const std::string& region,
               const std::string& service, std::chrono::system_clock::time_point now,
               const std::string& payload_hash);

}  // namespace tributary
