#include "source/postgres/pg_change_stream.h"

#include <fmt/format.h>

#include <algorithm>

#include "clients/postgres/pg_wire.h"
#include "common/error.h"
#include "common/fault_point.h"
#include "common/thread_name.h"

namespace tributary {
namespace {

constexpr size_t kXLogDataHeader = 25;  // 'w', start, end, send time
constexpr size_t kKeepaliveSize = 18;   // 'k', end, send time, reply requested

}  // namespace

PgChangeStream::PgChangeStream(std::shared_ptr<PgReplicationConnection> conn,
                               std::unique_ptr<PgChangeDecoder> decoder,
                               std::shared_ptr<std::atomic<PgLsn>> acked, PgStreamOptions options,
                               std::string what)
    : conn_(std::move(conn)),
      decoder_(std::move(decoder)),
      acked_(std::move(acked)),
      options_(options),
      what_(std::move(what)) {
  SendStatus(true);
  ticker_ = std::thread([this] {
    NameThisThread("cdc-status");
    Tick();
  });
}

PgChangeStream::~PgChangeStream() {
  {
    std::lock_guard lock(tick_mu_);
    stop_ = true;
  }
  tick_cv_.notify_all();
  ticker_.join();
  conn_->EndStream();
}

void PgChangeStream::Tick() {
  std::unique_lock lock(tick_mu_);
  while (!tick_cv_.wait_for(lock, options_.status_interval, [this] { return stop_; })) {
    try {
      SendStatus(false);
    } catch (const std::exception&) {
      return;  // the connection failed: the reading thread reports it
    }
  }
}

void PgChangeStream::SendStatus(bool reply_requested) {
  conn_->SendStatus(acked_->load(), reply_requested);
}

bool PgChangeStream::Next(ChangeBatch& batch, const BatchLimits& limits) {
  if (done_) return false;
  size_t before = batch.rows.num_rows();
  if (held_) {
    std::string data = std::move(*held_);
    held_.reset();
    HandleData(data, batch, limits);
  }
  for (;;) {
    std::string_view message;
    auto read = conn_->ReadMessage(message, options_.poll);
    if (read == PgReplicationConnection::Read::kEnd) {
      throw SourceError(what_ +
                        ": the server ended the change stream before the run's end "
                        "position; run again");
    }
    if (read == PgReplicationConnection::Read::kTimeout) {
      if (!in_txn_) SendStatus(true);  // the reply tells how far the server has read
      continue;
    }
    Step step = Handle(message, batch, limits);
    if (step == Step::kFull) return true;
    if (step == Step::kDone) {
      done_ = true;
      batch.boundary = LsnPosition(options_.bound);
      return batch.rows.num_rows() > before;
    }
  }
}

PgChangeStream::Step PgChangeStream::Handle(std::string_view message, ChangeBatch& batch,
                                            const BatchLimits& limits) {
  if (message[0] == 'w' && message.size() > kXLogDataHeader) {
    return HandleData(message.substr(kXLogDataHeader), batch, limits);
  }
  if (message[0] == 'k' && message.size() >= kKeepaliveSize) {
    PgLsn end = ReadBigEndian<uint64_t>(message.data() + 1);
    if (message[17] != 0) SendStatus(false);
    // Every transaction that committed before `end` has been sent.
    return !in_txn_ && end >= options_.bound ? Step::kDone : Step::kContinue;
  }
  throw SourceError(fmt::format("{}: unexpected replication message '{}' ({} bytes)", what_,
                                message[0], message.size()));
}

PgChangeStream::Step PgChangeStream::HandleData(std::string_view data, ChangeBatch& batch,
                                                const BatchLimits& limits) {
  switch (PgMessageKind(data)) {
    case 'B':
      return HandleBegin(data, batch);
    case 'C':
      return HandleCommit(data, batch, limits);
    case 'R':
      decoder_->Relation(ParsePgRelation(data));
      return Step::kContinue;
    case 'I':
    case 'U':
    case 'D':
      if (skip_txn_) return Step::kContinue;
      ParsePgChange(data, change_);
      decoder_->Change(change_, batch);
      FaultPoint("pg_cdc.change");
      return limits.Full(batch.rows) ? Step::kFull : Step::kContinue;
    case 'T':
      return HandleTruncate(data, batch);
    case 'Y':  // type, origin, logical message: nothing to land
    case 'O':
    case 'M':
      return Step::kContinue;
    default:
      throw SourceError(
          fmt::format("{}: unexpected pgoutput message '{}'", what_, PgMessageKind(data)));
  }
}

PgChangeStream::Step PgChangeStream::HandleBegin(std::string_view data, ChangeBatch& batch) {
  PgBeginMessage begin = ParsePgBegin(data);
  if (begin.final_lsn >= options_.bound) return Step::kDone;  // committed after the run began
  (void)batch;
  in_txn_ = true;
  skip_txn_ = begin.final_lsn < options_.from;  // landed by an earlier run
  decoder_->Begin(begin);
  return Step::kContinue;
}

PgChangeStream::Step PgChangeStream::HandleCommit(std::string_view data, ChangeBatch& batch,
                                                  const BatchLimits& limits) {
  PgCommitMessage commit = ParsePgCommit(data);
  in_txn_ = false;
  if (skip_txn_) return Step::kContinue;
  // Prefer to end batches after a transaction: half full is enough.
  BatchLimits soft{std::max<size_t>(limits.max_rows / 2, 1),
                   std::max<size_t>(limits.max_bytes / 2, 1)};
  if (!soft.Full(batch.rows)) return Step::kContinue;
  batch.boundary = LsnPosition(commit.end_lsn);
  return Step::kFull;
}

PgChangeStream::Step PgChangeStream::HandleTruncate(std::string_view data, ChangeBatch& batch) {
  if (skip_txn_) return Step::kContinue;
  PgTruncateMessage truncate = ParsePgTruncate(data);
  auto oid = decoder_->relation_oid();
  bool ours = oid && std::find(truncate.relations.begin(), truncate.relations.end(), *oid) !=
                         truncate.relations.end();
  if (!ours) return Step::kContinue;
  if (batch.rows.num_rows() > 0) {
    held_ = std::string(data);  // a truncate starts a batch of its own
    return Step::kFull;
  }
  decoder_->Truncate(truncate, batch.rows);
  return Step::kContinue;
}

}  // namespace tributary
