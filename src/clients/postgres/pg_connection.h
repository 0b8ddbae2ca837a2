// One libpq connection to one database of a `kind: postgresql` server, with
// errors that name the server and database (never the password), and the
// COPY OUT loop the readers are built on.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "clients/postgres/pg_handles.h"
#include "config/project.h"

namespace tributary {

// How to reach one database of a postgresql server, secrets resolved.
// Copyable so parallel readers can open more connections like the first.
struct PgConnectInfo {
  std::string server;  // the server's name in tributary.yml
  std::string database;
  std::string host;
  std::string port;
  std::string user;
  std::string password;  // resolved secret: never printed, never logged
  std::string sslmode;
  std::string connect_timeout;
  std::string application_name;

  // "postgresql server 'coredb' database 'shop'": used in every error.
  std::string Describe() const;
};

// Reads the server's settings (defaults from config/settings.cc) and
// resolves secret references. Throws ConfigError for an unresolvable one.
PgConnectInfo MakePgConnectInfo(const Project& project, const ServerConfig& server,
                                const std::string& database);

// A result column as the server describes it.
struct PgColumnDesc {
  std::string name;
  uint32_t type_oid = 0;
  int32_t typmod = -1;
};

// Not thread-safe: one thread uses a connection at a time.
class PgConnection {
 public:
  // Connects (client_encoding UTF8, the server's application_name, TCP
  // keepalives so a vanished server is noticed). Throws SourceError naming
  // server, host, port, user and database when it cannot.
  explicit PgConnection(PgConnectInfo info);
  PgConnection(const PgConnection&) = delete;  // libpq calls back with `this`
  PgConnection& operator=(const PgConnection&) = delete;

  PGconn* get() const { return conn_.get(); }
  const PgConnectInfo& info() const { return info_; }
  const std::string& describe() const { return describe_; }
  int server_version() const { return PQserverVersion(conn_.get()); }

  // Runs one statement that returns nothing or rows; `params` are text
  // parameters $1, $2, …. Throws SourceError with the server's message.
  PgResult Exec(const std::string& sql, const std::vector<std::string>& params = {});
  // The columns `sql` would return, without running it (prepare + describe).
  std::vector<PgColumnDesc> DescribeQuery(const std::string& sql);

  // Starts `sql` (a COPY … TO STDOUT). REQUIRES: no COPY in progress.
  void StartCopy(const std::string& sql);
  enum class CopyRead { kData, kEnd, kFailed };
  // Reads the next CopyData message of the running COPY into `message`
  // (valid until the next call): kData; or kEnd once the COPY ended
  // successfully; or kFailed (the COPY failed or the connection was lost:
  // call Fail() with what was being read).
  CopyRead ReadCopyMessage(std::string_view& message);
  // Stops a COPY still in progress (cancel request, then discards what is
  // left) so the connection can run further statements. Never throws.
  void AbandonCopy() noexcept;
  bool copy_in_progress() const { return in_copy_; }

  // SourceError "<describe>: <what>: <server message>", adding what to do
  // when the connection itself was lost.
  [[noreturn]] void Fail(const std::string& what) const;

 private:
  bool FinishCopy();

  PgConnectInfo info_;
  std::string describe_;
  PgConn conn_;
  PgBuffer copy_buffer_;
  bool in_copy_ = false;
};

// The message of a libpq error with the password (if any) masked and the
// trailing newline removed.
std::string PgErrorText(std::string_view message, const std::string& password);

}  // namespace tributary
