// Move-only owners of ODBC handles and the diagnostics attached to them.
#pragma once

#include <sql.h>
#include <sqlext.h>

#include <string>
#include <string_view>
#include <vector>

namespace tributary {

// One ODBC handle (environment, connection or statement), freed on
// destruction. A connection handle must be disconnected before it is freed;
// OdbcConnection takes care of that.
class OdbcHandle {
 public:
  OdbcHandle() = default;
  // Allocates a handle of `type` under `parent` (SQL_NULL_HANDLE for an
  // environment). Throws SourceError when the driver manager refuses.
  static OdbcHandle Allocate(SQLSMALLINT type, SQLHANDLE parent);
  ~OdbcHandle();
  OdbcHandle(OdbcHandle&& other) noexcept;
  OdbcHandle& operator=(OdbcHandle&& other) noexcept;
  OdbcHandle(const OdbcHandle&) = delete;
  OdbcHandle& operator=(const OdbcHandle&) = delete;

  SQLHANDLE get() const { return handle_; }
  SQLSMALLINT type() const { return type_; }
  explicit operator bool() const { return handle_ != SQL_NULL_HANDLE; }

 private:
  OdbcHandle(SQLSMALLINT type, SQLHANDLE handle) : type_(type), handle_(handle) {}
  void Free();

  SQLSMALLINT type_ = 0;
  SQLHANDLE handle_ = SQL_NULL_HANDLE;
};

struct OdbcDiagnostic {
  std::string state;  // SQLSTATE, e.g. "08001"
  SQLINTEGER native = 0;
  std::string message;
};

inline bool OdbcOk(SQLRETURN rc) { return rc == SQL_SUCCESS || rc == SQL_SUCCESS_WITH_INFO; }

// Every diagnostic record on `handle`, in order.
std::vector<OdbcDiagnostic> ReadDiagnostics(SQLSMALLINT type, SQLHANDLE handle);

// Whether SQLSTATE `state` says the work may succeed when tried again:
// 08xxx (connection), 40001 (serialization failure, deadlock victim), HYT00
// and HYT01 (timeouts).
bool IsTransientOdbcState(std::string_view state);
// True when any record is transient (IsTransientOdbcState).
bool AnyTransient(const std::vector<OdbcDiagnostic>& records);

// "[08001] message (native 20009); [01000] …", or `fallback` when empty.
std::string FormatDiagnostics(const std::vector<OdbcDiagnostic>& records,
                              const std::string& fallback = "no diagnostic from the driver");

// `text` with every occurrence of each non-empty secret replaced by "***":
// drivers sometimes echo parts of the connection string in their messages.
std::string ScrubSecrets(std::string text, const std::vector<std::string>& secrets);

}  // namespace tributary
