// The time stamps object stores send: ISO 8601 in S3 listings and AWS
// credentials, RFC 1123 in HTTP headers and Azure listings.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace tributary {

// "2026-12-02T01:23:45Z" or "2026-12-02T01:23:45.123Z" (UTC) as ms since
// the Unix epoch; nullopt when not of that form.
std::optional<int64_t> ParseIso8601Ms(const std::string& text);

// "Wed, 02 Dec 2026 01:23:45 GMT" as ms since the Unix epoch; nullopt when
// not of that form.
std::optional<int64_t> ParseRfc1123Ms(const std::string& text);

// RFC 1123 text of `time`, for x-ms-date.
std::string FormatRfc1123(std::chrono::system_clock::time_point time);

// An ISO 8601 expiry as a time point, or `fallback` from now when absent.
std::chrono::system_clock::time_point ExpiryOr(const std::string& iso8601,
                                               std::chrono::seconds fallback);

}  // namespace tributary
