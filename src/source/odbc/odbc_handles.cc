#include "source/odbc/odbc_handles.h"

#include <fmt/format.h>

#include <utility>

#include "common/error.h"
#include "source/odbc/odbc_text.h"

namespace tributary {

OdbcHandle OdbcHandle::Allocate(SQLSMALLINT type, SQLHANDLE parent) {
  SQLHANDLE handle = SQL_NULL_HANDLE;
  SQLRETURN rc = SQLAllocHandle(type, parent, &handle);
  if (!OdbcOk(rc)) {
    std::string why = parent == SQL_NULL_HANDLE
                          ? "is unixODBC installed?"
                          : FormatDiagnostics(ReadDiagnostics(
                                type == SQL_HANDLE_DBC ? SQL_HANDLE_ENV : SQL_HANDLE_DBC, parent));
    throw SourceError(fmt::format("cannot allocate an ODBC handle: {}", why));
  }
  return OdbcHandle(type, handle);
}

OdbcHandle::~OdbcHandle() { Free(); }

OdbcHandle::OdbcHandle(OdbcHandle&& other) noexcept
    : type_(other.type_), handle_(std::exchange(other.handle_, nullptr)) {}

OdbcHandle& OdbcHandle::operator=(OdbcHandle&& other) noexcept {
  if (this != &other) {
    Free();
    type_ = other.type_;
    handle_ = std::exchange(other.handle_, nullptr);
  }
  return *this;
}

void OdbcHandle::Free() {
  if (handle_ != SQL_NULL_HANDLE) SQLFreeHandle(type_, handle_);
  handle_ = SQL_NULL_HANDLE;
}

std::vector<OdbcDiagnostic> ReadDiagnostics(SQLSMALLINT type, SQLHANDLE handle) {
  std::vector<OdbcDiagnostic> out;
  if (handle == SQL_NULL_HANDLE) return out;
  for (SQLSMALLINT i = 1; i < 64; ++i) {
    SQLWCHAR state[6] = {};
    SQLINTEGER native = 0;
    SQLSMALLINT length = 0;
    // First call sizes the message, second reads it whole.
    SQLRETURN rc = SQLGetDiagRecW(type, handle, i, state, &native, nullptr, 0, &length);
    if (!OdbcOk(rc)) break;
    std::vector<SQLWCHAR> message(static_cast<size_t>(length) + 1);
    rc = SQLGetDiagRecW(type, handle, i, state, &native, message.data(),
                        static_cast<SQLSMALLINT>(message.size()), &length);
    if (!OdbcOk(rc)) break;
    size_t units = std::min(static_cast<size_t>(length), message.size() - 1);
    out.push_back({FromWide(state, 5), native, FromWide(message.data(), units)});
  }
  return out;
}

bool IsTransientOdbcState(std::string_view state) {
  return (state.size() == 5 && state.substr(0, 2) == "08") || state == "40001" ||
         state == "HYT00" || state == "HYT01";
}

bool AnyTransient(const std::vector<OdbcDiagnostic>& records) {
  for (const auto& r : records) {
    if (IsTransientOdbcState(r.state)) return true;
  }
  return false;
}

std::string FormatDiagnostics(const std::vector<OdbcDiagnostic>& records,
                              const std::string& fallback) {
  if (records.empty()) return fallback;
  std::string out;
  for (const auto& r : records) {
    if (!out.empty()) out += "; ";
    out += fmt::format("[{}] {}", r.state, r.message);
    if (r.native != 0) out += fmt::format(" (native error {})", r.native);
  }
  return out;
}

std::string ScrubSecrets(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    for (size_t at = 0; (at = text.find(secret, at)) != std::string::npos; at += 3) {
      text.replace(at, secret.size(), "***");
    }
  }
  return text;
}

}  // namespace tributary
