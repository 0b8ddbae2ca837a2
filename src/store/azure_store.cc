#include "store/azure_store.h"

#include <system_error>

#include "clients/http/url.h"
#include "store/azure_block_upload.h"
#include "store/azure_xml.h"

namespace tributary {

AzureStore::AzureStore(AzureConfig config, AzureAuth auth)
    : azure_(std::move(config), std::move(auth)) {}

std::string AzureStore::FullKey(const std::string& key) const {
  const std::string& prefix = azure_.config().prefix;
  return prefix.empty() ? key : prefix + "/" + key;
}

HttpRequest AzureStore::Request(const std::string& method, const std::string& key) const {
  HttpRequest request;
  request.method = method;
  request.url = azure_.UrlFor(FullKey(key));
  return request;
}

// A 404 is "no such blob" unless the container itself is missing.
void AzureStore::Missing(const HttpResponse& response, const std::string& action,
                         const std::string& key) const {
  if (response.status == 404 && AzureClient::ErrorCode(response) != "ContainerNotFound") return;
  azure_.Fail(response, action, key);
}

void AzureStore::Check() {
  QueryParams query = {{"restype", "container"}, {"comp", "list"}, {"maxresults", "1"}};
  if (!azure_.config().prefix.empty()) query.emplace_back("prefix", azure_.config().prefix + "/");
  HttpRequest request;
  request.url = azure_.UrlFor("", EncodeQuery(query));
  HttpResponse response = azure_.Send(request);
  if (!response.Ok()) azure_.Fail(response, "list container", azure_.config().container);
}

std::optional<std::string> AzureStore::Get(const std::string& key) {
  HttpResponse response = azure_.Send(Request("GET", key));
  if (response.Ok()) return std::move(response.body);
  Missing(response, "read", key);
  return std::nullopt;
}

bool AzureStore::Download(const std::string& key, const std::filesystem::path& target) {
  HttpRequest request = Request("GET", key);
  request.response_file = target;
  HttpResponse response = azure_.Send(request);
  if (response.Ok()) return true;
  Missing(response, "download", key);
  return false;
}

HttpResponse AzureStore::PutBlob(const std::string& key, std::string_view content, bool if_absent) {
  HttpRequest request = Request("PUT", key);
  request.SetHeader("x-ms-blob-type", "BlockBlob");
  request.SetHeader("Content-Type", "application/octet-stream");
  if (if_absent) request.SetHeader("If-None-Match", "*");
  request.body = std::string(content);
  return azure_.Send(request);
}

bool AzureStore::PutIfAbsent(const std::string& key, std::string_view content) {
  HttpResponse response = PutBlob(key, content, true);
  if (response.Ok()) return true;
  if (response.status != 409 && response.status != 412) azure_.Fail(response, "create", key);
  // An attempt whose answer was lost may have created the blob before a
  // retry found it: the blob is ours exactly when it holds our content.
  std::optional<std::string> existing = Get(key);
  return existing && *existing == content;
}

void AzureStore::Put(const std::string& key, std::string_view content) {
  HttpResponse response = PutBlob(key, content, false);
  if (!response.Ok()) azure_.Fail(response, "write", key);
}

void AzureStore::Upload(const std::string& key, const std::filesystem::path& source) {
  std::error_code ec;
  auto size = int64_t(std::filesystem::file_size(source, ec));
  if (ec) throw StoreError(Url() + ": cannot upload " + source.string() + ": " + ec.message());
  if (size > azure_.config().block_upload_threshold) {
    UploadAzureBlocks(azure_, FullKey(key), source, size);
    return;
  }
  HttpRequest request = Request("PUT", key);
  request.SetHeader("x-ms-blob-type", "BlockBlob");
  request.SetHeader("Content-Type", "application/octet-stream");
  request.body_file = FileRange{source, 0, size};
  HttpResponse response = azure_.Send(request);
  if (!response.Ok()) azure_.Fail(response, "upload", key);
}

std::vector<ObjectInfo> AzureStore::List(const std::string& prefix,
                                         const std::string& start_after) {
  const std::string& root = azure_.config().prefix;
  std::string strip = root.empty() ? "" : root + "/";
  std::vector<ObjectInfo> out;
  std::string marker;
  do {
    QueryParams query = {{"restype", "container"},
                         {"comp", "list"},
                         {"prefix", strip + prefix},
                         {"maxresults", std::to_string(azure_.config().max_results)}};
    if (!marker.empty()) query.emplace_back("marker", marker);
    HttpRequest request;
    request.url = azure_.UrlFor("", EncodeQuery(query));
    HttpResponse response = azure_.Send(request);
    if (!response.Ok()) azure_.Fail(response, "list", prefix);
    AzureListPage page = ParseAzureListPage(response.body, Url());
    for (ObjectInfo& info : page.objects) {
      if (info.key.compare(0, strip.size(), strip) != 0) continue;
      info.key.erase(0, strip.size());
      if (!start_after.empty() && info.key <= start_after) continue;
      out.push_back(std::move(info));
    }
    marker = page.next_marker;
  } while (!marker.empty());
  return out;
}

void AzureStore::Delete(const std::string& key) {
  HttpResponse response = azure_.Send(Request("DELETE", key));
  if (response.Ok()) return;
  Missing(response, "delete", key);
}

}  // namespace tributary
