// The ChangeStream of PostgreSQL: pgoutput messages from a replication slot,
// decoded into change-history rows, up to a bound fixed at the start of the
// run. While it exists a background thread sends a status update every few
// seconds, so the server does not drop the connection (wal_sender_timeout)
// while the sink is busy; the status always carries the last position
// acknowledged after a sink commit, never one that was only read.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "clients/postgres/pg_replication_connection.h"
#include "source/cdc_reader.h"
#include "source/postgres/pg_change_decoder.h"

namespace tributary {

struct PgStreamOptions {
  PgLsn from = 0;   // every transaction committed before it has landed
  PgLsn bound = 0;  // stop before transactions committed at or after it
  std::chrono::milliseconds status_interval{10'000};
  std::chrono::milliseconds poll{100};  // ask for the server's position when idle this long
};

class PgChangeStream final : public ChangeStream {
 public:
  // Starts streaming on `conn` (START_REPLICATION already sent). `acked` is
  // the position acknowledged so far, shared with the reader.
  PgChangeStream(std::shared_ptr<PgReplicationConnection> conn,
                 std::unique_ptr<PgChangeDecoder> decoder,
                 std::shared_ptr<std::atomic<PgLsn>> acked, PgStreamOptions options,
                 std::string what);
  ~PgChangeStream() override;

  bool Next(ChangeBatch& batch, const BatchLimits& limits) override;

 private:
  enum class Step { kContinue, kFull, kDone };
  Step Handle(std::string_view message, ChangeBatch& batch, const BatchLimits& limits);
  Step HandleData(std::string_view data, ChangeBatch& batch, const BatchLimits& limits);
  Step HandleBegin(std::string_view data, ChangeBatch& batch);
  Step HandleCommit(std::string_view data, ChangeBatch& batch, const BatchLimits& limits);
  Step HandleTruncate(std::string_view data, ChangeBatch& batch);
  void SendStatus(bool reply_requested);
  void Tick();

  std::shared_ptr<PgReplicationConnection> conn_;
  std::unique_ptr<PgChangeDecoder> decoder_;
  std::shared_ptr<std::atomic<PgLsn>> acked_;
  PgStreamOptions options_;
  std::string what_;
  PgChangeMessage change_;           // reused for every change
  std::optional<std::string> held_;  // a truncate waiting for a fresh batch
  bool in_txn_ = false;
  bool skip_txn_ = false;  // landed in an earlier run
  bool done_ = false;

  std::mutex tick_mu_;
  std::condition_variable tick_cv_;
  bool stop_ = false;
  std::thread ticker_;
};

}  // namespace tributary
