#include "store/s3_store.h"

#include <system_error>

#include "clients/http/url.h"
#include "store/s3_multipart.h"
#include "store/s3_xml.h"

namespace tributary {

S3Store::S3Store(S3Config config, std::unique_ptr<AwsCredentialSource> credentials)
    : s3_(std::move(config), std::move(credentials)) {}

std::string S3Store::FullKey(const std::string& key) const {
  const std::string& prefix = s3_.config().prefix;
  return prefix.empty() ? key : prefix + "/" + key;
}

HttpRequest S3Store::Request(const std::string& method, const std::string& key) const {
  HttpRequest request;
  request.method = method;
  request.url = s3_.UrlFor(FullKey(key));
  return request;
}

// A 404 is "no such object" only when S3 says so; a missing bucket is an error.
void S3Store::Missing(const HttpResponse& response, const std::string& action,
                      const std::string& key) const {
  if (response.status == 404 && ParseS3Error(response.body).code != "NoSuchBucket") return;
  s3_.Fail(response, action, key);
}

void S3Store::Check() {
  QueryParams query = {{"list-type", "2"}, {"max-keys", "1"}};
  if (!s3_.config().prefix.empty()) query.emplace_back("prefix", s3_.config().prefix + "/");
  HttpRequest request;
  request.url = s3_.UrlFor("", EncodeQuery(query));
  HttpResponse response = s3_.Send(request);
  if (!response.Ok()) s3_.Fail(response, "list bucket", s3_.config().bucket);
}

std::optional<std::string> S3Store::Get(const std::string& key) {
  HttpResponse response = s3_.Send(Request("GET", key));
  if (response.Ok()) return std::move(response.body);
  Missing(response, "read", key);
  return std::nullopt;
}

bool S3Store::Download(const std::string& key, const std::filesystem::path& target) {
  HttpRequest request = Request("GET", key);
  request.response_file = target;
  HttpResponse response = s3_.Send(request);
  if (response.Ok()) return true;
  Missing(response, "download", key);
  return false;
}

bool S3Store::PutIfAbsent(const std::string& key, std::string_view content) {
  HttpRequest request = Request("PUT", key);
  request.SetHeader("Content-Type", "application/octet-stream");
  request.SetHeader("If-None-Match", "*");
  request.body = std::string(content);
  HttpResponse response = s3_.Send(request);
  if (response.Ok()) return true;
  if (response.status != 412 && response.status != 409) s3_.Fail(response, "create", key);
  // An attempt whose answer was lost may have written the object before a
  // retry found it: the object is ours exactly when it holds our content.
  std::optional<std::string> existing = Get(key);
  return existing && *existing == content;
}

void S3Store::Put(const std::string& key, std::string_view content) {
  HttpRequest request = Request("PUT", key);
  request.SetHeader("Content-Type", "application/octet-stream");
  request.body = std::string(content);
  HttpResponse response = s3_.Send(request);
  if (!response.Ok()) s3_.Fail(response, "write", key);
}

void S3Store::Upload(const std::string& key, const std::filesystem::path& source) {
  std::error_code ec;
  auto size = int64_t(std::filesystem::file_size(source, ec));
  if (ec) throw StoreError(Url() + ": cannot upload " + source.string() + ": " + ec.message());
  if (size > s3_.config().multipart_threshold) {
    UploadS3Multipart(s3_, FullKey(key), source, size);
    return;
  }
  HttpRequest request = Request("PUT", key);
  request.SetHeader("Content-Type", "application/octet-stream");
  request.body_file = FileRange{source, 0, size};
  HttpResponse response = s3_.Send(request, kUnsignedPayload);
  if (!response.Ok()) s3_.Fail(response, "upload", key);
}

std::vector<ObjectInfo> S3Store::List(const std::string& prefix, const std::string& start_after) {
  const std::string& root = s3_.config().prefix;
  std::string strip = root.empty() ? "" : root + "/";
  std::vector<ObjectInfo> out;
  std::string token;
  do {
    QueryParams query = {{"list-type", "2"},
                         {"max-keys", std::to_string(s3_.config().max_keys)},
                         {"prefix", strip + prefix}};
    if (!start_after.empty()) query.emplace_back("start-after", strip + start_after);
    if (!token.empty()) query.emplace_back("continuation-token", token);
    HttpRequest request;
    request.url = s3_.UrlFor("", EncodeQuery(query));
    HttpResponse response = s3_.Send(request);
    if (!response.Ok()) s3_.Fail(response, "list", prefix);
    S3ListPage page = ParseS3ListPage(response.body, Url());
    for (ObjectInfo& info : page.objects) {
      if (info.key.compare(0, strip.size(), strip) != 0) continue;
      info.key.erase(0, strip.size());
      out.push_back(std::move(info));
    }
    token = page.truncated ? page.next_token : "";
  } while (!token.empty());
  return out;
}

void S3Store::Delete(const std::string& key) {
  HttpResponse response = s3_.Send(Request("DELETE", key));
  if (response.Ok()) return;
  Missing(response, "delete", key);
}

}  // namespace tributary
