// libpq for the PostgreSQL sink: move-only owners of PGconn and PGresult,
// statements whose failures become SinkError with the server's message and
// where it happened, and COPY … FROM STDIN. (Never logs the connection
// string: it may hold a password.)
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tributary {

struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

// Named apart from the source's PgConnection (source/pg_connection.h): two
// classes of one name in one program break the one-definition rule.
class PgSinkConnection {
 public:
  // Connects; `where` names the server and database in errors ("postgresql
  // sink db.internal:5432/warehouse"). Throws SinkError.
  PgSinkConnection(const std::string& conninfo, std::string where);
  ~PgSinkConnection();
  PgSinkConnection(PgSinkConnection&& other) noexcept;
  PgSinkConnection& operator=(PgSinkConnection&&) = delete;
  PgSinkConnection(const PgSinkConnection&) = delete;
  PgSinkConnection& operator=(const PgSinkConnection&) = delete;

  PGconn* get() const { return conn_; }
  const std::string& where() const { return where_; }

  // Runs `sql` (one or more statements without parameters). Throws SinkError
  // "<where>: <what>: <server message>".
  PgResult Exec(const std::string& sql, std::string_view what);
  // Runs one statement with text parameters (nullopt = NULL).
  PgResult Exec(const std::string& sql, const std::vector<std::optional<std::string>>& params,
                std::string_view what);
  // Runs `copy_sql` (COPY … FROM STDIN) and sends `data` as its content.
  void CopyIn(const std::string& copy_sql, std::string_view data, std::string_view what);
  // Server version as PQserverVersion reports it (150004 for 15.4).
  int ServerVersion() const { return PQserverVersion(conn_); }

 private:
  [[noreturn]] void Fail(std::string_view what, const PGresult* result) const;

  PGconn* conn_ = nullptr;
  std::string where_;
};

// A value of a result cell; nullopt for NULL.
std::optional<std::string> PgValue(const PGresult* result, int row, int col);

// "name" quoted as a PostgreSQL identifier.
std::string PgQuote(std::string_view name);
// 'text' quoted as a PostgreSQL string literal (standard_conforming_strings).
std::string PgLiteral(std::string_view text);

}  // namespace tributary
