#include <fmt/format.h>

#include <cctype>
#include <cstdlib>

#include "store/open_store.h"

namespace tributary {
namespace {

constexpr const char* kAzureDfsHost = ".dfs.core.windows.net";
constexpr const char* kAzureBlobHost = ".blob.core.windows.net";

ParsedStoreUrl Fail(std::string error) { return ParsedStoreUrl{std::nullopt, std::move(error)}; }

// "s3" of "s3://b/p"; "dbfs" of "dbfs:/p"; "" for a path. A scheme has two
// or more characters and is followed by "://" (dbfs: aside), so "C:/x" and
// "lake:2026" stay paths.
std::string SchemeOf(const std::string& text) {
  size_t colon = text.find(':');
  if (colon == std::string::npos || colon < 2 || !std::isalpha(static_cast<unsigned char>(text[0])))
    return "";
  for (size_t i = 0; i < colon; ++i) {
    char c = text[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return "";
  }
  if (text.compare(colon, 3, "://") == 0) return text.substr(0, colon);
  return text.compare(0, colon, "dbfs") == 0 ? "dbfs" : "";
}

std::string TrimSlashes(std::string s) {
  while (!s.empty() && s.front() == '/') s.erase(s.begin());
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

// "" when every segment of `prefix` is a usable key segment.
std::string PrefixProblem(const std::string& prefix) {
  size_t start = 0;
  while (start <= prefix.size() && !prefix.empty()) {
    size_t end = prefix.find('/', start);
    std::string segment = prefix.substr(start, end == std::string::npos ? end : end - start);
    if (segment.empty() || segment == "." || segment == "..") {
      return fmt::format("the path inside it has an empty, '.' or '..' segment ('{}')", prefix);
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return "";
}

bool ValidBucket(const std::string& b) {
  if (b.size() < 3 || b.size() > 63) return false;
  for (char c : b) {
    if (!std::islower(static_cast<unsigned char>(c)) &&
        !std::isdigit(static_cast<unsigned char>(c)) && c != '-' && c != '.') {
      return false;
    }
  }
  return true;
}

// Splits "authority/rest" of "scheme://authority/rest".
std::pair<std::string, std::string> SplitAuthority(const std::string& after) {
  size_t slash = after.find('/');
  if (slash == std::string::npos) return {after, ""};
  return {after.substr(0, slash), after.substr(slash + 1)};
}

ParsedStoreUrl ParseS3(const std::string& text, const std::string& after) {
  auto [bucket, rest] = SplitAuthority(after);
  if (!ValidBucket(bucket)) {
    return Fail(fmt::format(
        "'{}' does not name an S3 bucket: write s3://BUCKET/PREFIX with a bucket name of 3-63 "
        "lower-case letters, digits, '-' or '.'",
        text));
  }
  StoreUrl url{StoreScheme::kS3, text, "", bucket, "", TrimSlashes(rest)};
  if (auto problem = PrefixProblem(url.prefix); !problem.empty()) {
    return Fail(fmt::format("'{}': {}", text, problem));
  }
  return ParsedStoreUrl{url, ""};
}

bool ValidContainer(const std::string& c) {
  if (c.size() < 3 || c.size() > 63 || c.front() == '-' || c.find("--") != std::string::npos)
    return false;
  for (char ch : c) {
    if (!std::islower(static_cast<unsigned char>(ch)) &&
        !std::isdigit(static_cast<unsigned char>(ch)) && ch != '-') {
      return false;
    }
  }
  return true;
}

ParsedStoreUrl ParseAzure(const std::string& text, const std::string& scheme,
                          const std::string& after) {
  auto [authority, rest] = SplitAuthority(after);
  std::string container = authority, account;
  if (size_t at = authority.find('@'); at != std::string::npos) {
    container = authority.substr(0, at);
    std::string host = authority.substr(at + 1);
    for (const char* suffix : {kAzureDfsHost, kAzureBlobHost}) {
      std::string s = suffix;
      if (host.size() > s.size() && host.compare(host.size() - s.size(), s.size(), s) == 0) {
        account = host.substr(0, host.size() - s.size());
      }
    }
    if (account.empty()) {
      return Fail(
          fmt::format("'{}': the host '{}' is not an Azure storage endpoint; write "
                      "{}://CONTAINER@ACCOUNT.dfs.core.windows.net/PREFIX",
                      text, host, scheme));
    }
  } else if (scheme != "az") {
    return Fail(fmt::format(
        "'{}' names no storage account; write {}://CONTAINER@ACCOUNT.dfs.core.windows.net/PREFIX "
        "(or az://CONTAINER/PREFIX with the sink's azure_account setting)",
        text, scheme));
  }
  if (!ValidContainer(container)) {
    return Fail(fmt::format(
        "'{}' does not name an Azure container: a container name has 3-63 lower-case letters, "
        "digits and single '-'",
        text));
  }
  StoreUrl url{StoreScheme::kAzure, text, "", container, account, TrimSlashes(rest)};
  if (auto problem = PrefixProblem(url.prefix); !problem.empty()) {
    return Fail(fmt::format("'{}': {}", text, problem));
  }
  return ParsedStoreUrl{url, ""};
}

}  // namespace

ParsedStoreUrl ParseStoreUrl(const std::string& text) {
  std::string scheme = SchemeOf(text);
  if (scheme.empty()) {
    if (text.rfind("/Volumes/", 0) == 0 && !std::getenv("DATABRICKS_RUNTIME_VERSION")) {
      return Fail(fmt::format(
          "'{}' is a Unity Catalog volume path, which exists only inside Databricks; write the "
          "cloud URL of the volume's storage (s3://…, abfss://…) instead",
          text));
    }
    return ParsedStoreUrl{StoreUrl{StoreScheme::kLocal, text, text, "", "", ""}, ""};
  }
  std::string after = text.size() > scheme.size() + 3 && text.compare(scheme.size(), 3, "://") == 0
                          ? text.substr(scheme.size() + 3)
                          : "";
  if (scheme == "file") {
    if (text.rfind("file://", 0) != 0 || after.empty() || after[0] != '/') {
      return Fail(
          fmt::format("'{}': write a local path as file:///ABSOLUTE/PATH or plainly", text));
    }
    return ParsedStoreUrl{StoreUrl{StoreScheme::kLocal, text, after, "", "", ""}, ""};
  }
  if (scheme == "s3" || scheme == "s3a") return ParseS3(text, after);
  if (scheme == "abfss" || scheme == "abfs" || scheme == "az") {
    return ParseAzure(text, scheme, after);
  }
  if (scheme == "dbfs") {
    return Fail(fmt::format(
        "'{}': DBFS paths exist only inside Databricks; write the cloud URL of the storage behind "
        "it (s3://…, abfss://…), or a /dbfs/… mount when tributary runs on a Databricks node",
        text));
  }
  if (scheme == "gs" || scheme == "gcs") {
    return Fail(fmt::format(
        "'{}': Google Cloud Storage is not supported yet; supported are s3://, abfss://, abfs://, "
        "az:// and local paths",
        text));
  }
  return Fail(
      fmt::format("'{}' uses the scheme '{}', which tributary cannot write to; supported are "
                  "s3://BUCKET/PREFIX, "
                  "abfss://CONTAINER@ACCOUNT.dfs.core.windows.net/PREFIX, az://CONTAINER/PREFIX "
                  "and local paths",
                  text, scheme));
}

CloudLocation CloudUrl(const StoreUrl& url, const std::string& account,
                       const std::string& relative) {
  std::string path = url.prefix.empty() ? relative : url.prefix + "/" + relative;
  switch (url.scheme) {
    case StoreScheme::kS3:
      return CloudLocation{fmt::format("s3://{}/{}", url.bucket, path), ""};
    case StoreScheme::kAzure: {
      std::string name = url.account.empty() ? account : url.account;
      if (name.empty()) {
        return CloudLocation{std::nullopt,
                             fmt::format("'{}' names no storage account; set the sink's "
                                         "azure_account (or AZURE_STORAGE_ACCOUNT)",
                                         url.text)};
      }
      return CloudLocation{fmt::format("abfss://{}@{}{}/{}", url.bucket, name, kAzureDfsHost, path),
                           ""};
    }
    case StoreScheme::kLocal:
      break;
  }
  return CloudLocation{
      std::nullopt,
      fmt::format("the sink path '{}' is a local folder, which a Databricks workspace cannot "
                  "read; write bronze to s3:// or abfss:// to register it in Unity Catalog",
                  url.text)};
}

}  // namespace tributary
