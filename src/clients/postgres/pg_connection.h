// One libpq connection to one PostgreSQL database: the client the postgresql
// source and the postgresql sink share. Errors name what it connects to
// (never the password) and are of the owner's side — SourceError for a
// source's connection, SinkError for the sink's — so each side catches its
// own. Also the COPY OUT loop the readers are built on and COPY IN for the
// sink.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "clients/postgres/pg_handles.h"
#include "common/log.h"

namespace tributary {

// Whose connection it is: decides the error type and how server notices are
// handled (a source logs them; the sink's "… does not exist, skipping" are
// not for users).
enum class PgSide { kSource, kSink };

// How to reach one database, secrets resolved. Copyable so parallel readers
// can open more connections like the first.
struct PgConnectInfo {
  PgSide side = PgSide::kSource;
  std::string server;  // the server's name in tributary.yml (sink: empty)
  std::string database;
  std::string host;
  std::string port;
  std::string user;
  std::string password;  // resolved secret: never printed, never logged
  std::string sslmode;
  std::string connect_timeout;
  std::string application_name;

  // A libpq connection string used instead of the fields above (tests and
  // tools that already have one); `label` then names it in errors.
  std::string conninfo = {};
  std::string label = {};

  // "postgresql server 'coredb' database 'shop'" or "postgresql sink
  // db.internal:5432/warehouse": used in every error.
  std::string Describe() const;

  // Info for a libpq connection string `conninfo`, named `label` in errors.
  static PgConnectInfo FromConninfo(std::string conninfo, std::string label, PgSide side);
};

// Whether SQLSTATE `state` says the same statement may succeed when tried
// again: class 08 (connection exception), 40001 (serialization failure),
// 40P01 (deadlock), 57P01-57P03 (admin or crash shutdown, cannot connect
// now), 53300 (too many connections).
bool IsTransientPgState(std::string_view state);

// Parameters of a statement, in order ($1, $2, …); nullopt is NULL.
using PgParams = std::vector<std::optional<std::string>>;

// A result column as the server describes it.
struct PgColumnDesc {
  std::string name;
  uint32_t type_oid = 0;
  int32_t typmod = -1;
};

// Not thread-safe: one thread uses a connection at a time. Move-only.
class PgConnection {
 public:
  // Connects (client_encoding UTF8, the application_name, TCP keepalives so a
  // vanished server is noticed; the sink's sessions also run in UTC). Throws
  // SourceError or SinkError (by info.side) naming server, host, port, user
  // and database when it cannot.
  explicit PgConnection(PgConnectInfo info);
  PgConnection(PgConnection&&) noexcept = default;
  PgConnection& operator=(PgConnection&&) noexcept = default;

  PGconn* get() const { return conn_.get(); }
  const PgConnectInfo& info() const { return info_; }
  const std::string& describe() const { return describe_; }
  int server_version() const { return PQserverVersion(conn_.get()); }

  // Runs `sql` — one statement with text parameters $1, $2, …, or without
  // params several statements — that returns nothing or rows. Throws (by
  // side) "<describe>: <what>: <server message>".
  PgResult Exec(const std::string& sql, const PgParams& params = {},
                std::string_view what = "query failed");
  // Runs `copy_sql` (COPY … FROM STDIN) and sends `data` as its content.
  void CopyIn(const std::string& copy_sql, std::string_view data, std::string_view what);
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

  // Throws SourceError or SinkError (by side) "<describe>: <what>: <server
  // message>" — `result`'s message when it has one, else the connection's —
  // adding what to do when the connection itself was lost.
  [[noreturn]] void Fail(std::string_view what, const PGresult* result = nullptr) const;

  // What a notice callback needs; on the heap so it outlives moves.
  struct NoticeTarget {
    std::string describe;
    std::string password;
  };

 private:
  bool FinishCopy();
  void Connect();
  // `sql` at debug level (--verbose); statements never hold a secret.
  void LogSql(const std::string& sql, LogFields fields = {}) const;

  PgConnectInfo info_;
  std::string describe_;
  PgConn conn_;
  PgBuffer copy_buffer_;
  bool in_copy_ = false;
  std::unique_ptr<NoticeTarget> notice_;
};

// Opens a libpq connection with `info`'s settings, client_encoding UTF8 and
// TCP keepalives, plus `extra` key/value pairs (replication=database). The
// caller checks PQstatus; nullptr when out of memory.
PgConn PgOpen(const PgConnectInfo& info,
              std::initializer_list<std::pair<const char*, const char*>> extra = {});

// The message of a libpq error with the password (if any) masked and the
// trailing newline removed.
std::string PgErrorText(std::string_view message, const std::string& password);

// A value of a result cell; nullopt for NULL.
std::optional<std::string> PgValue(const PGresult* result, int row, int col);
// "name" quoted as a PostgreSQL identifier.
std::string PgQuote(std::string_view name);
// 'text' quoted as a PostgreSQL string literal (standard_conforming_strings).
std::string PgLiteral(std::string_view text);

}  // namespace tributary
