// A libpq connection in logical replication mode (replication=database): the
// replication commands (IDENTIFY_SYSTEM, CREATE_REPLICATION_SLOT,
// START_REPLICATION) and the CopyBoth stream that follows START_REPLICATION.
// Formats: PostgreSQL docs, "Streaming Replication Protocol".
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>

#include "clients/postgres/pg_connection.h"
#include "clients/postgres/pg_handles.h"
#include "clients/postgres/pg_lsn.h"

namespace tributary {

struct PgSystemInfo {
  std::string system_id;  // unique per cluster (initdb); a restored backup keeps it
  int timeline = 0;
  PgLsn flush_lsn = 0;  // the server's current WAL flush position
  std::string database;
};

struct PgCreatedSlot {
  PgLsn consistent_point = 0;  // changes committed from here on are streamed
  std::string snapshot;        // exported snapshot: the data as of consistent_point
};

// One thread reads; SendStatus may be called from another thread at the
// same time (a mutex serialises libpq calls). Otherwise not thread-safe.
class PgReplicationConnection {
 public:
  // Connects like PgConnection, in replication mode. Throws SourceError
  // (saying the user needs the REPLICATION attribute when that is why).
  explicit PgReplicationConnection(const PgConnectInfo& info);
  PgReplicationConnection(const PgReplicationConnection&) = delete;
  PgReplicationConnection& operator=(const PgReplicationConnection&) = delete;

  const std::string& describe() const { return describe_; }

  // Runs a replication command or a SQL query without parameters (the simple
  // query protocol). Throws SourceError with the server's message.
  PgResult Exec(const std::string& command);
  PgSystemInfo IdentifySystem();
  // CREATE_REPLICATION_SLOT … LOGICAL pgoutput EXPORT_SNAPSHOT. The snapshot
  // stays importable until this connection runs its next command or closes.
  PgCreatedSlot CreateSlot(const std::string& slot);

  // Sends START_REPLICATION (`command`); the server answers with CopyBoth.
  void StartStream(const std::string& command);
  enum class Read { kMessage, kTimeout, kEnd };
  // Waits up to `timeout` for the server's next CopyData message, set in
  // `message` (valid until the next call): kMessage; kTimeout; kEnd when
  // the server ended the stream. Throws SourceError on failure.
  Read ReadMessage(std::string_view& message, std::chrono::milliseconds timeout);
  // A standby status update: everything before `flushed` is safely stored
  // (the slot's confirmed_flush_lsn moves there). Thread-safe.
  void SendStatus(PgLsn flushed, bool reply_requested);
  // Ends the stream (CopyDone) and waits (a few seconds at most) for the
  // server to end it too, so every status update sent before has been
  // applied. Never throws.
  void EndStream() noexcept;

 private:
  [[noreturn]] void Fail(const std::string& what);

  std::string describe_;
  std::string password_;  // masked out of error messages
  PgConn conn_;
  PgBuffer buffer_;
  bool streaming_ = false;
  std::mutex mu_;  // guards every libpq call on conn_ while streaming
};

// Microseconds since 2000-01-01 UTC for a system-clock time.
int64_t PgTimestampNow();

}  // namespace tributary
