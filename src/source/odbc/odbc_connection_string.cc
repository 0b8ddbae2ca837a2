#include "source/odbc/odbc_connection_string.h"

#include <fmt/format.h>

#include <cctype>

#include "common/error.h"

namespace tributary {
namespace {

bool NeedsBraces(std::string_view value) {
  return value.find_first_of(";{}= \t") != std::string_view::npos;
}

bool ValidKey(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != ' ' && c != '-') {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string QuoteOdbcValue(std::string_view value) {
  if (!NeedsBraces(value)) return std::string(value);
  std::string out = "{";
  for (char c : value) {
    out += c;
    if (c == '}') out += '}';
  }
  return out + "}";
}

OdbcConnectionString& OdbcConnectionString::Add(std::string_view key, std::string_view value,
                                                bool secret) {
  if (!ValidKey(key)) throw Error(fmt::format("invalid ODBC connection attribute name '{}'", key));
  if (value.find('\0') != std::string_view::npos) {
    throw Error(
        fmt::format("the value of ODBC connection attribute '{}' holds a NUL character", key));
  }
  parts_.push_back(Part{std::string(key), std::string(value), secret});
  return *this;
}

std::string OdbcConnectionString::str() const { return Render(false); }

std::string OdbcConnectionString::Redacted() const { return Render(true); }

std::vector<std::string> OdbcConnectionString::Secrets() const {
  std::vector<std::string> out;
  for (const auto& p : parts_) {
    if (p.secret && !p.value.empty()) out.push_back(p.value);
  }
  return out;
}

std::string OdbcConnectionString::Render(bool redact) const {
  std::string out;
  for (const auto& p : parts_) {
    out += p.key + "=" + (redact && p.secret ? std::string("***") : QuoteOdbcValue(p.value)) + ";";
  }
  return out;
}

}  // namespace tributary
