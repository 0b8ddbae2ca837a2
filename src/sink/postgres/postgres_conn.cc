#include "sink/postgres/postgres_conn.h"

#include <fmt/format.h>

#include <utility>

#include "common/error.h"

namespace tributary {
namespace {

std::string Trimmed(const char* message) {
  std::string text = message != nullptr ? message : "unknown error";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

PgSinkConnection::PgSinkConnection(const std::string& conninfo, std::string where)
    : conn_(PQconnectdb(conninfo.c_str())), where_(std::move(where)) {
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string message = Trimmed(PQerrorMessage(conn_));
    PQfinish(conn_);
    conn_ = nullptr;
    throw SinkError(fmt::format("{}: cannot connect: {}", where_, message));
  }
  // Server notices ("table … does not exist, skipping") are not for users.
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
  PgResult r(PQexec(conn_, "SET client_encoding = 'UTF8'; SET TimeZone = 'UTC'"));
  if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) Fail("cannot prepare the session", r.get());
}

PgSinkConnection::~PgSinkConnection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

PgSinkConnection::PgSinkConnection(PgSinkConnection&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)), where_(std::move(other.where_)) {}

void PgSinkConnection::Fail(std::string_view what, const PGresult* result) const {
  const char* message = result != nullptr ? PQresultErrorMessage(result) : nullptr;
  if (message == nullptr || *message == '\0') message = PQerrorMessage(conn_);
  throw SinkError(fmt::format("{}: {}: {}", where_, what, Trimmed(message)));
}

PgResult PgSinkConnection::Exec(const std::string& sql, std::string_view what) {
  PgResult result(PQexec(conn_, sql.c_str()));
  auto status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) Fail(what, result.get());
  return result;
}

PgResult PgSinkConnection::Exec(const std::string& sql,
                                const std::vector<std::optional<std::string>>& params,
                                std::string_view what) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  PgResult result(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                               values.data(), nullptr, nullptr, 0));
  auto status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) Fail(what, result.get());
  return result;
}

void PgSinkConnection::CopyIn(const std::string& copy_sql, std::string_view data,
                              std::string_view what) {
  PgResult start(PQexec(conn_, copy_sql.c_str()));
  if (PQresultStatus(start.get()) != PGRES_COPY_IN) Fail(what, start.get());
  constexpr size_t kChunk = 1 << 20;
  for (size_t at = 0; at < data.size(); at += kChunk) {
    size_t n = std::min(kChunk, data.size() - at);
    if (PQputCopyData(conn_, data.data() + at, static_cast<int>(n)) != 1) Fail(what, nullptr);
  }
  if (PQputCopyEnd(conn_, nullptr) != 1) Fail(what, nullptr);
  PgResult end(PQgetResult(conn_));
  if (PQresultStatus(end.get()) != PGRES_COMMAND_OK) Fail(what, end.get());
  while (PgResult more{PQgetResult(conn_)}) {
  }
}

std::optional<std::string> PgValue(const PGresult* result, int row, int col) {
  if (PQgetisnull(result, row, col)) return std::nullopt;
  return std::string(PQgetvalue(result, row, col), PQgetlength(result, row, col));
}

std::string PgQuote(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

std::string PgLiteral(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

}  // namespace tributary
