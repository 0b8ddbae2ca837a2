// One HTTP exchange as the object stores and the token endpoints see it: the
// request (method, URL, headers, a body from memory or streamed from a file
// range) and the response (status, headers, body in memory or in a file).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"

namespace tributary {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// A byte range of a local file sent as the request body, read as it is sent
// (never held in memory whole).
struct FileRange {
  std::filesystem::path path;
  int64_t offset = 0;
  int64_t length = 0;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;      // absolute, query included, already percent-encoded
  HttpHeaders headers;  // sent as given; the client adds none it is not asked for
  std::string body;     // used when `body_file` is empty
  std::optional<FileRange> body_file;
  // When set, a 2xx response body is written to this file (created or
  // truncated) instead of memory; error bodies still go to `body`.
  std::optional<std::filesystem::path> response_file;

  // Sets or replaces the header `name` (compared case-insensitively).
  void SetHeader(const std::string& name, std::string value);
  // The value of header `name`, "" when absent.
  std::string Header(const std::string& name) const;
  int64_t BodySize() const { return body_file ? body_file->length : int64_t(body.size()); }
};

struct HttpResponse {
  long status = 0;
  HttpHeaders headers;  // names lower-cased
  std::string body;     // empty when streamed to the request's response_file

  // The value of header `name` (lower-case), "" when absent.
  std::string Header(const std::string& name) const;
  bool Ok() const { return status >= 200 && status < 300; }
};

// The request could not be completed for good: no connection, a timeout or
// a dropped connection after every retry, or a local file that cannot be
// read or written. The message names the URL without its query string (it
// may hold a SAS token) and never a credential.
class HttpError : public Error {
 public:
  using Error::Error;
};

}  // namespace tributary
