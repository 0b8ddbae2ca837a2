#include "clients/postgres/pg_replication_connection.h"

#include <fmt/format.h>
#include <poll.h>

#include <cstring>
#include <utility>
#include <vector>

#include "clients/postgres/pg_wire.h"
#include "common/error.h"

namespace tributary {
namespace {

void PutInt64(std::string& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}

std::string ConnectError(const PgConnectInfo& info, const std::string& why) {
  std::string hint =
      "check the server's settings in tributary.yml and that pg_hba.conf accepts replication "
      "connections (a `host <database> <user> …` line; replication=database connections use the "
      "database's own lines)";
  if (why.find("replication") != std::string::npos && why.find("role") != std::string::npos) {
    hint = fmt::format(
        "CDC reads the write-ahead log through a replication connection: give the user the "
        "REPLICATION attribute (ALTER ROLE {} REPLICATION) or use a user that has it",
        info.user);
  }
  return fmt::format(
      "cannot open a replication connection to postgresql server '{}' (host {}, port {}, user {}) "
      "database '{}': {}; {}",
      info.server, info.host, info.port, info.user, info.database, why, hint);
}

}  // namespace

int64_t PgTimestampNow() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::microseconds>(now).count() - kPgEpochMicros;
}

PgReplicationConnection::PgReplicationConnection(const PgConnectInfo& info)
    : describe_(info.Describe()), password_(info.password) {
  conn_ = PgOpen(info, {{"replication", "database"}});
  if (conn_ == nullptr || PQstatus(conn_.get()) != CONNECTION_OK) {
    std::string why =
        conn_ == nullptr ? "out of memory" : PgErrorText(PQerrorMessage(conn_.get()), password_);
    throw SourceError(ConnectError(info, why));
  }
}

void PgReplicationConnection::Fail(const std::string& what) {
  std::string why = PgErrorText(PQerrorMessage(conn_.get()), password_);
  if (PQstatus(conn_.get()) == CONNECTION_BAD) {
    throw SourceError(fmt::format(
        "{}: {}: the replication connection was lost ({}); nothing after the last commit was "
        "acknowledged: run again once the server is reachable",
        describe_, what, why));
  }
  throw SourceError(fmt::format("{}: {}: {}", describe_, what, why));
}

PgResult PgReplicationConnection::Exec(const std::string& command) {
  std::lock_guard lock(mu_);
  PgResult result(PQexec(conn_.get(), command.c_str()));
  ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    Fail(fmt::format("'{}' failed", command.substr(0, command.find(' '))));
  }
  return result;
}

PgSystemInfo PgReplicationConnection::IdentifySystem() {
  PgResult r = Exec("IDENTIFY_SYSTEM");
  if (PQntuples(r.get()) != 1 || PQnfields(r.get()) < 4) Fail("unexpected IDENTIFY_SYSTEM reply");
  PgSystemInfo info;
  info.system_id = PQgetvalue(r.get(), 0, 0);
  info.timeline = std::atoi(PQgetvalue(r.get(), 0, 1));
  info.flush_lsn = ParseLsn(PQgetvalue(r.get(), 0, 2)).value_or(0);
  info.database = PQgetvalue(r.get(), 0, 3);
  return info;
}

PgCreatedSlot PgReplicationConnection::CreateSlot(const std::string& slot) {
  PgResult r = Exec("CREATE_REPLICATION_SLOT \"" + slot + "\" LOGICAL pgoutput EXPORT_SNAPSHOT");
  if (PQntuples(r.get()) != 1 || PQnfields(r.get()) < 3) {
    Fail("unexpected CREATE_REPLICATION_SLOT reply");
  }
  PgCreatedSlot created;
  created.consistent_point = ParseLsn(PQgetvalue(r.get(), 0, 1)).value_or(0);
  created.snapshot = PQgetvalue(r.get(), 0, 2);
  return created;
}

void PgReplicationConnection::StartStream(const std::string& command) {
  std::lock_guard lock(mu_);
  PgResult result(PQexec(conn_.get(), command.c_str()));
  if (PQresultStatus(result.get()) != PGRES_COPY_BOTH) Fail("cannot start streaming changes");
  streaming_ = true;
}

PgReplicationConnection::Read PgReplicationConnection::ReadMessage(
    std::string_view& message, std::chrono::milliseconds timeout) {
  for (bool waited = false;; waited = true) {
    int size;
    {
      std::lock_guard lock(mu_);
      buffer_.reset();
      char* raw = nullptr;
      size = PQgetCopyData(conn_.get(), &raw, 1);
      if (size > 0) {
        buffer_.reset(raw);
        message = std::string_view(raw, static_cast<size_t>(size));
        return Read::kMessage;
      }
      if (size == -1) {
        streaming_ = false;
        PgResult end(PQgetResult(conn_.get()));
        if (PQresultStatus(end.get()) != PGRES_COMMAND_OK) Fail("the change stream failed");
        return Read::kEnd;
      }
      if (size == -2) Fail("cannot read the change stream");
    }
    if (waited) return Read::kTimeout;
    pollfd fd{PQsocket(conn_.get()), POLLIN, 0};
    poll(&fd, 1, static_cast<int>(timeout.count()));
    std::lock_guard lock(mu_);
    if (PQconsumeInput(conn_.get()) == 0) Fail("cannot read the change stream");
  }
}

void PgReplicationConnection::SendStatus(PgLsn flushed, bool reply_requested) {
  std::string m = "r";
  PutInt64(m, flushed);  // written
  PutInt64(m, flushed);  // flushed: becomes the slot's confirmed_flush_lsn
  PutInt64(m, flushed);  // applied
  PutInt64(m, static_cast<uint64_t>(PgTimestampNow()));
  m += reply_requested ? '\1' : '\0';
  std::lock_guard lock(mu_);
  if (!streaming_) return;
  if (PQputCopyData(conn_.get(), m.data(), static_cast<int>(m.size())) != 1 ||
      PQflush(conn_.get()) != 0) {
    Fail("cannot send a status update");
  }
}

void PgReplicationConnection::EndStream() noexcept {
  std::lock_guard lock(mu_);
  if (!streaming_) return;
  streaming_ = false;
  buffer_.reset();
  if (PQstatus(conn_.get()) != CONNECTION_OK) return;
  if (PQputCopyEnd(conn_.get(), nullptr) != 1 || PQflush(conn_.get()) != 0) return;
  // The server handles messages in order: once it ends the stream too, it
  // has applied every status update sent before. Discard what it still had in
  // flight; give up after a few seconds (closing is as good).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (;;) {
    char* raw = nullptr;
    int size = PQgetCopyData(conn_.get(), &raw, 1);
    if (size > 0) {
      PQfreemem(raw);
      continue;
    }
    if (size < 0) break;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return;
    pollfd fd{PQsocket(conn_.get()), POLLIN, 0};
    poll(&fd, 1, static_cast<int>(left.count()));
    if (PQconsumeInput(conn_.get()) == 0) return;
  }
  while (PgResult(PQgetResult(conn_.get())) != nullptr) {
  }
}

}  // namespace tributary
