// Change data capture: reading a source's committed changes past a stored
// position. A CdcReader is what the `cdc` strategy works with; one
// implementation per database (PostgreSQL logical decoding, SQL Server CDC
// tables). The strategy owns ordering of side effects: it stores positions in
// the sink with the data and acknowledges to the source only afterwards.
//
// Changes arrive as rows of the change history: the metadata columns below
// followed by the table's columns, one row per change, in commit order.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "data/batch.h"
#include "data/load_metadata.h"
#include "source/source.h"

namespace tributary {

// The metadata columns that lead every history row, in this order.
inline constexpr const char* kCdcOpColumn = "_op";                    // text, see CdcOp
inline constexpr const char* kCdcLsnColumn = "_commit_lsn";           // text, see positions below
inline constexpr const char* kCdcSeqColumn = "_seq";                  // bigint
inline constexpr const char* kCdcCommitTimeColumn = "_commit_time";   // timestamptz
inline constexpr const char* kCdcXidColumn = "_xid";                  // bigint, source txn id
inline constexpr const char* kCdcIngestedColumn = kIngestedAtColumn;  // timestamptz
inline constexpr size_t kCdcMetadataColumns = 6;

// Values of `_op`. A `before` row is the image of a row before an update
// (whole row, or only its key, as the source provides it); it precedes the
// `update` row of the same change. `snapshot` rows are a table's state at a
// position (initial load, re-snapshot); `_seq` is 0 for them, 1.. for the
// changes of a transaction, so at an equal `_commit_lsn` a snapshot sorts
// first. A `truncate` row has only metadata: the table was emptied.
namespace CdcOp {
inline constexpr const char* kInsert = "insert";
inline constexpr const char* kUpdate = "update";
inline constexpr const char* kBefore = "before";
inline constexpr const char* kDelete = "delete";
inline constexpr const char* kSnapshot = "snapshot";
inline constexpr const char* kTruncate = "truncate";
}  // namespace CdcOp

// The metadata fields, then `columns`.
Schema HistorySchema(const Schema& columns);
// True when `name` is one of the metadata column names or `_run_id` (a source
// column of that name cannot be captured).
bool IsCdcMetadataColumn(std::string_view name);

// Positions are the reader's text: fixed width for a given source, so that
// comparing two positions as strings compares them in log order (PostgreSQL:
// "0000000A/1B2C3D40"). What a stored position P means is the reader's to
// define, as long as reading on from P neither skips nor repeats a
// transaction. PostgreSQL: every transaction that committed before P has
// landed, none at or after it (P is exclusive). SQL Server: P is the commit
// LSN of the last transaction landed (inclusive); reading resumes after it.

// Changes after the stored position can no longer be read: the log was
// removed or the stream replaced. Never skipped: the message says what
// happened and how to recover (usually `tributary backfill` to re-snapshot).
class CdcGapError : public SourceError {
 public:
  using SourceError::SourceError;
};

// What the sink keeps for a CDC task, committed with the data.
struct CdcCheckpoint {
  std::string position;
  std::string identity;  // reader-specific fingerprint of the stream (JSON text)
};

// The captured table as the source describes it now.
struct CdcTableInfo {
  Schema columns;                // in order
  std::vector<std::string> key;  // primary key columns; empty: none
  // Columns (text or json) whose value a change may leave out when it did
  // not change (ChangeBatch::unchanged); the strategy fills them by `key`.
  std::vector<std::string> unsent = {};
};

// The table's rows at one position: the start of capture.
struct CdcSnapshot {
  CdcCheckpoint checkpoint;  // store this with the rows; stream from here
  // History rows (`_op` = snapshot) of every column of the table. Valid
  // until the next call on the reader.
  std::unique_ptr<Reader> rows;
};

// Whose capture this is (docs/cdc.md, "Who owns a slot"). A capture stream
// the source keeps per consumer (a PostgreSQL replication slot) belongs to
// the sink that created it: the sink stores the stream's name in its state,
// and the stream is known at the source as that sink's. Another sink refuses
// it unless told to take it over.
struct CdcOwner {
  std::string sink;                     // Sink::Identity(); empty: not known (status page)
  std::optional<CdcCheckpoint> stored;  // what that sink committed; nullopt: no capture yet
  bool take_over = false;               // Snapshot may take a stream another sink holds
};

// The stream a snapshot would start exists and is not this sink's (or cannot
// be shown to be). The message names the stream and the way to take it over.
class CdcOwnershipError : public SourceError {
 public:
  using SourceError::SourceError;
};

struct CdcSnapshotRequest {
  int parallelism = 1;      // connections reading at once, where the source can split
  int64_t ingested_at = 0;  // µs since the Unix epoch, stamped in `_ingested_at`
  std::string tag;          // leading SQL comment on statements
  CdcOwner owner = {};      // the sink that will own the new capture
};

struct CdcStreamRequest {
  CdcCheckpoint from;
  std::string bound;        // read transactions committed before it; from Bound()
  Schema columns;           // table columns of every batch (absent ones are NULL)
  int64_t ingested_at = 0;  // as in CdcSnapshotRequest
};

// A value of a history row the source left out: `row` of the batch, table
// column `column` (0 is the first column after the metadata).
struct CdcCell {
  size_t row = 0;
  size_t column = 0;
};

// A batch of history rows and where the stream stands after it.
struct ChangeBatch {
  explicit ChangeBatch(std::shared_ptr<const Schema> schema) : rows(std::move(schema)) {}
  Batch rows;
  // Values the source did not send because the change left them as they
  // were (PostgreSQL: a large value stored out of line, without REPLICA
  // IDENTITY FULL): NULL in `rows` until the strategy fills them with the
  // key's previous value. Never landed as NULL. In row order.
  std::vector<CdcCell> unchanged;
  // Set when the batch ends exactly after a transaction: the position to
  // store if everything up to here is committed. Empty when the batch ends
  // inside a transaction. (Before any row, the `_commit_lsn` of a
  // transaction's first row is also such a position.)
  std::optional<std::string> boundary;
};

// A change the stream cannot express in the requested columns (a column the
// request lacks, or one whose type widened). The strategy rolls back what it
// has not committed and reads again from its last commit with `columns`.
class CdcRestart : public Error {
 public:
  CdcRestart(const std::string& why, Schema wider) : Error(why), columns(std::move(wider)) {}
  Schema columns;
};

// The source's view of one capture stream.
struct CdcStatus {
  std::string stream;                // "slot tributary_shop_orders", "capture instance dbo_orders"
  std::string state;                 // active, idle, missing, lost, …
  std::string acknowledged;          // the position the source was told is stored
  std::string head;                  // the end of the source's log now
  std::optional<int64_t> lag_bytes;  // log between acknowledged and head
  std::optional<int64_t> retained_bytes;  // log the source keeps for this stream
  // Why the stream cannot go on as the sink stored it (missing, lost, read
  // past the stored position, another sink's); empty when it can.
  std::string problem = {};
};

// Streams committed changes in commit order. Not thread-safe.
class ChangeStream {
 public:
  virtual ~ChangeStream() = default;
  // Appends history rows to `batch` (schema: HistorySchema of the request's
  // columns) until about `limits` (preferring to stop after a transaction)
  // or the bound. A truncate row always starts a batch. Returns false once
  // every transaction before the bound was delivered and nothing was
  // appended. Throws SourceError, CdcRestart.
  virtual bool Next(ChangeBatch& batch, const BatchLimits& limits) = 0;
};

// The source's side of CDC for one table. Not thread-safe, except
// Acknowledge, which may be called while a ChangeStream reads.
class CdcReader {
 public:
  virtual ~CdcReader() = default;
  // "postgresql server 'core' database 'shop' table public.orders": for errors.
  virtual std::string Describe() const = 0;
  // Throws SourceError when the table does not exist or a column cannot be
  // mapped.
  virtual CdcTableInfo DescribeTable() = 0;
  // Throws SourceError saying exactly what to enable or grant at the source
  // (log level, replica identity, privileges, …) when capture cannot work.
  virtual void CheckPrerequisites() = 0;
  // Starts capture afresh (first run, re-snapshot): a new start position and
  // the table's rows exactly as of it — no change lost, none counted twice.
  // Abandons the owner's earlier capture stream. Throws CdcOwnershipError
  // when the stream it would start belongs to another sink and
  // request.owner.take_over is false.
  virtual CdcSnapshot Snapshot(const CdcSnapshotRequest& request) = 0;
  // Throws CdcGapError when the changes after `from` can no longer be read
  // completely (log removed, stream dropped, another server).
  virtual void CheckResume(const CdcCheckpoint& from) = 0;
  // The end of the source's log now: this run reads up to it, no further.
  virtual std::string Bound() = 0;
  // Streams the changes after request.from up to request.bound.
  virtual std::unique_ptr<ChangeStream> ReadChanges(const CdcStreamRequest& request) = 0;
  // Tells the source that everything before `position` is committed in the
  // sink, so it may release its log. REQUIRES: `position` is committed.
  virtual void Acknowledge(const std::string& position) = 0;
  // How the source's side of the owner's capture stands (`tributary cdc
  // status`), with `problem` set when it cannot go on.
  virtual CdcStatus Status(const CdcOwner& owner) = 0;
  // The same for a caller that does not know the sink (the status page).
  CdcStatus Status() { return Status(CdcOwner{}); }
};

}  // namespace tributary
