#include "clients/http/http_message.h"

#include <strings.h>

namespace tributary {

namespace {

bool SameName(const std::string& a, const std::string& b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string Find(const HttpHeaders& headers, const std::string& name) {
  for (const auto& [n, v] : headers) {
    if (SameName(n, name)) return v;
  }
  return "";
}

}  // namespace

void HttpRequest::SetHeader(const std::string& name, std::string value) {
  for (auto& [n, v] : headers) {
    if (SameName(n, name)) {
      v = std::move(value);
      return;
    }
  }
  headers.emplace_back(name, std::move(value));
}

std::string HttpRequest::Header(const std::string& name) const { return Find(headers, name); }

std::string HttpResponse::Header(const std::string& name) const { return Find(headers, name); }

}  // namespace tributary
