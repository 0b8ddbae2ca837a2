#include "store/azure_shared_key.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "clients/http/crypto.h"
#include "clients/http/url.h"
#include "store/object_store.h"

namespace tributary {

namespace {

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return text;
}

std::string CanonicalHeaders(const HttpRequest& request) {
  std::map<std::string, std::string> headers;
  for (const auto& [name, value] : request.headers) {
    std::string lower = Lower(name);
    if (lower.rfind("x-ms-", 0) == 0) headers[lower] = value;
  }
  std::string out;
  for (const auto& [name, value] : headers) out += name + ":" + value + "\n";
  return out;
}

std::string CanonicalResource(const std::string& url, const std::string& account) {
  size_t scheme = url.find("://");
  size_t path = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  size_t q = url.find('?');
  std::string uri = path == std::string::npos || (q != std::string::npos && q < path)
                        ? "/"
                        : url.substr(path, q == std::string::npos ? std::string::npos : q - path);
  std::string out = "/" + account + uri;
  if (q == std::string::npos) return out;
  std::map<std::string, std::string> params;
  for (auto& [name, value] : ParseQuery(url.substr(q + 1))) {
    std::string& joined = params[Lower(name)];
    joined += (joined.empty() ? "" : ",") + value;
  }
  for (const auto& [name, value] : params) out += "\n" + name + ":" + value;
  return out;
}

}  // namespace

std::string SharedKeyStringToSign(const HttpRequest& request, const std::string& account) {
  int64_t length = request.BodySize();
  std::string text = request.method + "\n";
  text += request.Header("Content-Encoding") + "\n";
  text += request.Header("Content-Language") + "\n";
  text += (length == 0 ? std::string() : std::to_string(length)) + "\n";
  text += request.Header("Content-MD5") + "\n";
  text += request.Header("Content-Type") + "\n";
  text += request.Header("Date") + "\n";
  text += request.Header("If-Modified-Since") + "\n";
  text += request.Header("If-Match") + "\n";
  text += request.Header("If-None-Match") + "\n";
  text += request.Header("If-Unmodified-Since") + "\n";
  text += request.Header("Range") + "\n";
  return text + CanonicalHeaders(request) + CanonicalResource(request.url, account);
}

void SignSharedKey(HttpRequest& request, const std::string& account, const std::string& key) {
  std::string raw_key;
  try {
    raw_key = Base64Decode(key);
  } catch (const Error&) {
    throw StoreError("the Azure account key of account '" + account +
                     "' is not base64; copy key1 or key2 from the storage account's access keys");
  }
  std::string signature =
      Base64Encode(HmacSha256(raw_key, SharedKeyStringToSign(request, account)));
  request.SetHeader("Authorization", "SharedKey " + account + ":" + signature);
}

}  // namespace tributary
