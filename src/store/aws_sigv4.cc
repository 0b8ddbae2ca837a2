#include "store/aws_sigv4.h"

#include <algorithm>
#include <cctype>
#include <ctime>

#include "clients/http/crypto.h"
#include "clients/http/url.h"

namespace tributary {

namespace {

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return text;
}

std::string Trim(const std::string& text) {
  size_t start = text.find_first_not_of(" \t");
  if (start == std::string::npos) return "";
  size_t end = text.find_last_not_of(" \t");
  return text.substr(start, end - start + 1);
}

struct UrlParts {
  std::string host;   // host[:port], as curl sends it in Host
  std::string path;   // "/" when empty
  std::string query;  // without '?'
};

UrlParts SplitUrl(const std::string& url) {
  UrlParts parts;
  size_t scheme = url.find("://");
  size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  size_t path = url.find_first_of("/?", start);
  parts.host = Lower(url.substr(start, path - start));
  if (path == std::string::npos) {
    parts.path = "/";
    return parts;
  }
  size_t q = url.find('?', path);
  parts.path = url.substr(path, q == std::string::npos ? std::string::npos : q - path);
  if (parts.path.empty()) parts.path = "/";
  if (q != std::string::npos) parts.query = url.substr(q + 1);
  return parts;
}

std::string CanonicalQuery(const std::string& query) {
  QueryParams params = ParseQuery(query);
  for (auto& [name, value] : params) {
    name = PercentEncode(name);
    value = PercentEncode(value);
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += name + "=" + value;
  }
  return out;
}

// (lower-case name, trimmed value) of every signed header, sorted by name.
HttpHeaders SignedHeaders(const HttpRequest& request, const std::string& host) {
  HttpHeaders headers = {{"host", host}};
  for (const auto& [name, value] : request.headers) {
    std::string lower = Lower(name);
    if (lower == "authorization" || lower == "expect" || lower == "host") continue;
    headers.emplace_back(lower, Trim(value));
  }
  std::sort(headers.begin(), headers.end());
  return headers;
}

std::string SignedHeaderNames(const HttpHeaders& headers) {
  std::string names;
  for (const auto& [name, value] : headers) names += (names.empty() ? "" : ";") + name;
  return names;
}

}  // namespace

std::string PayloadHash(const std::string& body) { return HexEncode(Sha256(body)); }

std::string AmzDate(std::chrono::system_clock::time_point time) {
  std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[20];
  std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%SZ", &tm);
  return buffer;
}

std::string CanonicalRequest(const HttpRequest& request, const std::string& payload_hash) {
  UrlParts url = SplitUrl(request.url);
  HttpHeaders headers = SignedHeaders(request, url.host);
  std::string canonical =
      request.method + "\n" + url.path + "\n" + CanonicalQuery(url.query) + "\n";
  for (const auto& [name, value] : headers) canonical += name + ":" + value + "\n";
  return canonical + "\n" + SignedHeaderNames(headers) + "\n" + payload_hash;
}

void SignAwsV4(HttpRequest& request, const AwsCredentials& credentials, const std::string& region,
               const std::string& service, std::chrono::system_clock::time_point now,
               const std::string& payload_hash) {
  std::string amz_date = AmzDate(now);
  std::string day = amz_date.substr(0, 8);
  request.SetHeader("x-amz-date", amz_date);
  request.SetHeader("x-amz-content-sha256", payload_hash);
  if (!credentials.session_token.empty()) {
    request.SetHeader("x-amz-security-token", credentials.session_token);
  }
  std::string scope = day + "/" + region + "/" + service + "/aws4_request";
  std::string string_to_sign = "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope + "\n" +
                               HexEncode(Sha256(CanonicalRequest(request, payload_hash)));
  std::string key = HmacSha256("AWS4" + credentials.secret_access_key, day);
  key = HmacSha256(key, region);
  key = HmacSha256(key, service);
  key = HmacSha256(key, "aws4_request");
  std::string signature = HexEncode(HmacSha256(key, string_to_sign));
  UrlParts url = SplitUrl(request.url);
  request.SetHeader("Authorization",
                    "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + "/" + scope +
                        ", SignedHeaders=" + SignedHeaderNames(SignedHeaders(request, url.host)) +
                        ", Signature=" + signature);
}

}  // namespace tributary
