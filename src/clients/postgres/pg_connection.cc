#include "clients/postgres/pg_connection.h"

#include <fmt/format.h>

#include "common/error.h"
#include "common/log.h"
#include "config/secrets.h"
#include "config/settings.h"

namespace tributary {
namespace {

// A setting as written (secrets resolved), or its documented default.
std::string SettingValue(const Project& project, const ServerConfig& server,
                         const std::string& key) {
  if (auto it = server.settings.find(key); it != server.settings.end()) {
    return ResolveSecrets(it->second, project.dir);
  }
  for (const Setting* s : SettingsFor("server.postgresql")) {
    if (key == s->key) return s->default_value;
  }
  return "";
}

// Seconds of silence before TCP keepalive probes start, and how many lost
// probes (10 s apart) mean the server is gone: a COPY from a vanished server
// fails within about two minutes instead of hanging for hours.
constexpr const char* kKeepaliveIdle = "60";
constexpr const char* kKeepaliveInterval = "10";
constexpr const char* kKeepaliveCount = "6";

// Server notices and warnings go to the log, not straight to stderr where
// they would tear through the progress display.
void LogNotice(void* self, const char* message) {
  const auto* conn = static_cast<const PgConnection*>(self);
  Log(LogLevel::kWarn, "postgresql server notice",
      {{"source", conn->describe()}, {"message", PgErrorText(message, conn->info().password)}});
}

}  // namespace

std::string PgConnectInfo::Describe() const {
  return fmt::format("postgresql server '{}' database '{}'", server, database);
}

PgConnectInfo MakePgConnectInfo(const Project& project, const ServerConfig& server,
                                const std::string& database) {
  PgConnectInfo info;
  info.server = server.name;
  info.database = database;
  auto get = [&](const char* key) { return SettingValue(project, server, key); };
  info.host = get("host");
  info.port = get("port");
  info.user = get("user");
  info.password = get("password");
  info.sslmode = get("sslmode");
  info.connect_timeout = get("connect_timeout");
  info.application_name = get("application_name");
  return info;
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

PgConnection::PgConnection(PgConnectInfo info)
    : info_(std::move(info)), describe_(info_.Describe()) {
  std::vector<std::pair<const char*, const char*>> params = {
      {"host", info_.host.c_str()},
      {"port", info_.port.c_str()},
      {"user", info_.user.c_str()},
      {"dbname", info_.database.c_str()},
      {"sslmode", info_.sslmode.c_str()},
      {"connect_timeout", info_.connect_timeout.c_str()},
      {"application_name", info_.application_name.c_str()},
      {"client_encoding", "UTF8"},
      {"keepalives", "1"},
      {"keepalives_idle", kKeepaliveIdle},
      {"keepalives_interval", kKeepaliveInterval},
      {"keepalives_count", kKeepaliveCount},
  };
  if (!info_.password.empty()) params.emplace_back("password", info_.password.c_str());
  std::vector<const char*> keys, values;
  for (const auto& [k, v] : params) {
    keys.push_back(k);
    values.push_back(v);
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  // expand_dbname = 0: a database name is only ever a name, never a conninfo.
  conn_.reset(PQconnectdbParams(keys.data(), values.data(), 0));
  if (conn_ == nullptr || PQstatus(conn_.get()) != CONNECTION_OK) {
    std::string why = conn_ == nullptr ? "out of memory"
                                       : PgErrorText(PQerrorMessage(conn_.get()), info_.password);
    throw SourceError(fmt::format(
        "cannot connect to postgresql server '{}' (host {}, port {}, user {}) database '{}': {}; "
        "check the server's settings in tributary.yml, that the database exists and that the "
        "server accepts this user from this machine",
        info_.server, info_.host, info_.port, info_.user, info_.database, why));
  }
  PQsetNoticeProcessor(conn_.get(), &LogNotice, this);
}

void PgConnection::Fail(const std::string& what) const {
  std::string why = PgErrorText(PQerrorMessage(conn_.get()), info_.password);
  if (PQstatus(conn_.get()) == CONNECTION_BAD) {
    throw SourceError(
        fmt::format("{}: {}: the connection to the server was lost ({}); the load was not "
                    "committed: run it again once the server is reachable",
                    describe_, what, why));
  }
  throw SourceError(fmt::format("{}: {}: {}", describe_, what, why));
}

PgResult PgConnection::Exec(const std::string& sql, const std::vector<std::string>& params) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  PgResult result(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                               values.data(), nullptr, nullptr, 0));
  ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) Fail("query failed");
  return result;
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

}  // namespace tributary
