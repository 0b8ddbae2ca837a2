#include "clients/postgres/pg_connection.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "common/error.h"
#include "common/log.h"

namespace tributary {
namespace {

// Seconds of silence before TCP keepalive probes start, and how many lost
// probes (10 s apart) mean the server is gone: a COPY from a vanished server
// fails within about two minutes instead of hanging for hours.
constexpr const char* kKeepaliveIdle = "60";
constexpr const char* kKeepaliveInterval = "10";
constexpr const char* kKeepaliveCount = "6";

// Server notices and warnings go to the log, not straight to stderr where
// they would tear through the progress display.
void LogNotice(void* target, const char* message) {
  const auto* t = static_cast<const PgConnection::NoticeTarget*>(target);
  Log(LogLevel::kWarn, "postgresql server notice",
      {{"source", t->describe}, {"message", PgErrorText(message, t->password)}});
}

void IgnoreNotice(void*, const char*) {}

// A source's transient failures are TransientSourceError, which the runner
// retries; the sink's are not retried (a load's commit is not repeated).
[[noreturn]] void Throw(PgSide side, const std::string& message, bool transient = false) {
  if (side == PgSide::kSink) throw SinkError(message);
  if (transient) throw TransientSourceError(message);
  throw SourceError(message);
}

// libpq's words for a connection that failed for now, not for good (a wrong
// password or database name fails again the same way).
bool TransientConnectFailure(const std::string& why) {
  for (const char* words :
       {"Connection refused", "Connection reset", "timeout expired", "Connection timed out",
        "server closed the connection unexpectedly", "No route to host", "Network is unreachable",
        "the database system is starting up", "the database system is shutting down",
        "the database system is in recovery mode", "too many clients already",
        "remaining connection slots are reserved", "could not receive data from server"}) {
    if (why.find(words) != std::string::npos) return true;
  }
  return false;
}

// The failure to connect, naming where (never the password) and what to check.
std::string ConnectError(const PgConnectInfo& info, const std::string& why) {
  if (!info.conninfo.empty()) return fmt::format("{}: cannot connect: {}", info.Describe(), why);
  if (info.side == PgSide::kSink) {
    return fmt::format(
        "{}: cannot connect (user {}): {}; check the sink's settings in "
        "tributary.yml and that the database exists",
        info.Describe(), info.user, why);
  }
  return fmt::format(
      "cannot connect to postgresql server '{}' (host {}, port {}, user {}) database '{}': {}; "
      "check the server's settings in tributary.yml, that the database exists and that the "
      "server accepts this user from this machine",
      info.server, info.host, info.port, info.user, info.database, why);
}

}  // namespace

bool IsTransientPgState(std::string_view state) {
  if (state.size() != 5) return false;
  if (state.substr(0, 2) == "08") return true;  // connection exception
  for (const char* s : {"40001", "40P01", "57P01", "57P02", "57P03", "53300"}) {
    if (state == s) return true;
  }
  return false;
}

std::string PgConnectInfo::Describe() const {
  if (!conninfo.empty()) return label;
  if (side == PgSide::kSink) return fmt::format("postgresql sink {}:{}/{}", host, port, database);
  return fmt::format("postgresql server '{}' database '{}'", server, database);
}

std::string PgErrorText(std::string_view message, const std::string& password) {
  std::string text;
  for (char c : message) {
    bool blank = c == '\n' || c == '\t' || c == ' ';
    if (blank && (text.empty() || text.back() == ' ')) continue;
    text += blank ? ' ' : c;
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  if (!password.empty()) {
    for (size_t p; (p = text.find(password)) != std::string::npos;)
      text.replace(p, password.size(), "***");
  }
  return text;
}

PgConnectInfo PgConnectInfo::FromConninfo(std::string conninfo, std::string label, PgSide side) {
  PgConnectInfo info;
  info.side = side;
  info.conninfo = std::move(conninfo);
  info.label = std::move(label);
  return info;
}

PgConnection::PgConnection(PgConnectInfo info)
    : info_(std::move(info)),
      describe_(info_.Describe()),
      notice_(std::make_unique<NoticeTarget>(NoticeTarget{describe_, info_.password})) {
  Connect();
  if (info_.side == PgSide::kSink) {
    PQsetNoticeProcessor(conn_.get(), &IgnoreNotice, nullptr);
    Exec("SET TimeZone = 'UTC'", {}, "cannot prepare the session");
  } else {
    PQsetNoticeProcessor(conn_.get(), &LogNotice, notice_.get());
  }
}

PgConn PgOpen(const PgConnectInfo& info,
              std::initializer_list<std::pair<const char*, const char*>> extra) {
  // A given conninfo is expanded as the dbname; the fixed settings after it
  // still apply. Otherwise expand_dbname = 0: a database name is only a name.
  bool expand = !info.conninfo.empty();
  std::vector<std::pair<const char*, const char*>> params;
  if (expand) {
    params = {{"dbname", info.conninfo.c_str()}};
  } else {
    params = {{"host", info.host.c_str()},       {"port", info.port.c_str()},
              {"user", info.user.c_str()},       {"dbname", info.database.c_str()},
              {"sslmode", info.sslmode.c_str()}, {"connect_timeout", info.connect_timeout.c_str()}};
    if (!info.password.empty()) params.emplace_back("password", info.password.c_str());
  }
  if (!info.application_name.empty()) {
    params.emplace_back("application_name", info.application_name.c_str());
  }
  params.insert(params.end(), {{"client_encoding", "UTF8"},
                               {"keepalives", "1"},
                               {"keepalives_idle", kKeepaliveIdle},
                               {"keepalives_interval", kKeepaliveInterval},
                               {"keepalives_count", kKeepaliveCount}});
  params.insert(params.end(), extra);
  std::vector<const char*> keys, values;
  for (const auto& [k, v] : params) {
    keys.push_back(k);
    values.push_back(v);
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  return PgConn(PQconnectdbParams(keys.data(), values.data(), expand ? 1 : 0));
}

void PgConnection::LogSql(const std::string& sql, LogFields fields) const {
  if (!LogEnabled(LogLevel::kDebug)) return;
  fields[info_.side == PgSide::kSink ? "sink" : "source"] = describe_;
  fields["sql"] = sql;
  Log(LogLevel::kDebug, "sql", fields);
}

void PgConnection::Connect() {
  conn_ = PgOpen(info_);
  if (conn_ == nullptr || PQstatus(conn_.get()) != CONNECTION_OK) {
    std::string why = conn_ == nullptr ? "out of memory"
                                       : PgErrorText(PQerrorMessage(conn_.get()), info_.password);
    Throw(info_.side, ConnectError(info_, why), TransientConnectFailure(why));
  }
}

void PgConnection::Fail(std::string_view what, const PGresult* result) const {
  const char* message = result != nullptr ? PQresultErrorMessage(result) : nullptr;
  if (message == nullptr || *message == '\0') message = PQerrorMessage(conn_.get());
  std::string why = PgErrorText(message, info_.password);
  if (PQstatus(conn_.get()) == CONNECTION_BAD) {
    Throw(info_.side,
          fmt::format("{}: {}: the connection to the server was lost ({}); the load was not "
                      "committed: run it again once the server is reachable",
                      describe_, what, why),
          true);
  }
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  Throw(info_.side, fmt::format("{}: {}: {}", describe_, what, why),
        state != nullptr && IsTransientPgState(state));
}

PgResult PgConnection::Exec(const std::string& sql, const PgParams& params, std::string_view what) {
  LogSql(sql);
  PgResult result;
  if (params.empty()) {
    result.reset(PQexec(conn_.get(), sql.c_str()));  // may hold several statements
  } else {
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    result.reset(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                              values.data(), nullptr, nullptr, 0));
  }
  ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) Fail(what, result.get());
  return result;
}

void PgConnection::CopyIn(const std::string& copy_sql, std::string_view data,
                          std::string_view what) {
  LogSql(copy_sql, {{"bytes", std::to_string(data.size())}});
  PgResult start(PQexec(conn_.get(), copy_sql.c_str()));
  if (PQresultStatus(start.get()) != PGRES_COPY_IN) Fail(what, start.get());
  constexpr size_t kChunk = 1 << 20;
  for (size_t at = 0; at < data.size(); at += kChunk) {
    size_t n = std::min(kChunk, data.size() - at);
    if (PQputCopyData(conn_.get(), data.data() + at, static_cast<int>(n)) != 1) Fail(what);
  }
  if (PQputCopyEnd(conn_.get(), nullptr) != 1) Fail(what);
  PgResult end(PQgetResult(conn_.get()));
  if (PQresultStatus(end.get()) != PGRES_COMMAND_OK) Fail(what, end.get());
  while (PgResult more{PQgetResult(conn_.get())}) {
  }
}

std::vector<PgColumnDesc> PgConnection::DescribeQuery(const std::string& sql) {
  PgResult prepared(PQprepare(conn_.get(), "", sql.c_str(), 0, nullptr));
  if (PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) Fail("query failed");
  PgResult described(PQdescribePrepared(conn_.get(), ""));
  if (PQresultStatus(described.get()) != PGRES_COMMAND_OK) Fail("cannot describe the query");
  std::vector<PgColumnDesc> columns;
  for (int i = 0; i < PQnfields(described.get()); ++i) {
    columns.push_back(PgColumnDesc{PQfname(described.get(), i), PQftype(described.get(), i),
                                   PQfmod(described.get(), i)});
  }
  return columns;
}

void PgConnection::StartCopy(const std::string& sql) {
  LogSql(sql);
  PgResult result(PQexec(conn_.get(), sql.c_str()));
  if (PQresultStatus(result.get()) != PGRES_COPY_OUT) Fail("query failed");
  in_copy_ = true;
}

PgConnection::CopyRead PgConnection::ReadCopyMessage(std::string_view& message) {
  copy_buffer_.reset();
  char* raw = nullptr;
  int size = PQgetCopyData(conn_.get(), &raw, 0);
  if (size > 0) {
    copy_buffer_.reset(raw);
    message = std::string_view(raw, static_cast<size_t>(size));
    return CopyRead::kData;
  }
  in_copy_ = false;
  if (size == -1 && FinishCopy()) return CopyRead::kEnd;
  return CopyRead::kFailed;
}

bool PgConnection::FinishCopy() {
  PgResult result(PQgetResult(conn_.get()));
  bool ok = PQresultStatus(result.get()) == PGRES_COMMAND_OK;
  while (PgResult(PQgetResult(conn_.get())) != nullptr) {
  }
  return ok;
}

void PgConnection::AbandonCopy() noexcept {
  if (!in_copy_) return;
  in_copy_ = false;
  copy_buffer_.reset();
  if (PQstatus(conn_.get()) != CONNECTION_OK) return;
  PgCancel cancel(PQgetCancel(conn_.get()));
  char error[256];
  if (cancel != nullptr) PQcancel(cancel.get(), error, sizeof(error));
  char* raw = nullptr;
  int size;
  while ((size = PQgetCopyData(conn_.get(), &raw, 0)) > 0) PQfreemem(raw);
  while (PgResult(PQgetResult(conn_.get())) != nullptr) {
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
