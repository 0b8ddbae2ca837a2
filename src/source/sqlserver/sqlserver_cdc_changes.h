// Turns what SQL Server CDC returns into change-history rows
// (cdc_reader.h): the rows of cdc.fn_cdc_get_all_changes_<instance>
// (SqlServerCdcChangesSql) become insert / delete / before / update rows,
// and the initial load's table rows become snapshot rows. No I/O of its own:
// it reads the Readers it is handed, so tests feed it rows exactly as a
// driver returns them.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "source/cdc_reader.h"
#include "source/sqlserver/sqlserver_cdc_plan.h"

namespace tributary {

// Opens the change rows of one planned segment.
using SqlServerSegmentOpener = std::function<std::unique_ptr<Reader>(const SqlServerCdcSegment&)>;

struct SqlServerChangeStreamOptions {
  std::vector<SqlServerCdcSegment> segments;  // read in order, one open at a time
  Schema columns;                             // the request's table columns
  int64_t ingested_at = 0;                    // µs since the epoch
  int64_t utc_offset_minutes = 0;             // server local time minus UTC
  std::string what;                           // for messages
};

// `_op` of a change row: 1 delete, 2 insert, 3 before (update's old
// image), 4 update. Throws SourceError for another code.
const char* SqlServerCdcHistoryOp(int operation);

// Streams the segments' rows as history rows: `_commit_lsn` is the change's
// __$start_lsn ("0x" and 20 hex digits: fixed width, so text order is LSN
// order), `_seq` counts 1, 2, … within each transaction (rows arrive ordered
// by __$start_lsn, __$seqval, __$operation), `_commit_time` is
// __$commit_time converted to UTC with the run's offset, `_xid` is NULL
// (the functions do not expose a transaction id). A batch's boundary is set
// only when its last row ends a transaction: the next row has another
// __$start_lsn, or none follows. A captured column missing from, or typed
// differently than, the request's columns throws CdcRestart with it.
class SqlServerChangeStream final : public ChangeStream {
 public:
  SqlServerChangeStream(SqlServerSegmentOpener open, SqlServerChangeStreamOptions options);
  bool Next(ChangeBatch& batch, const BatchLimits& limits) override;

 private:
  std::unique_ptr<Batch> ReadSource(const BatchLimits& limits);
  void Convert(const Batch& rows, Batch& out);
  const std::vector<int>& ColumnMap(const Schema& schema);

  SqlServerSegmentOpener open_;
  SqlServerChangeStreamOptions options_;
  size_t next_segment_ = 0;
  std::unique_ptr<Reader> reader_;
  std::unique_ptr<Batch> pending_;  // read, not yet converted (one batch of lookahead)
  std::string lsn_;                 // the transaction being converted
  int64_t seq_ = 0;
  std::shared_ptr<const Schema> mapped_schema_;
  std::vector<int> map_;  // request column -> result column, -1: not captured
};

// The initial load's rows as snapshot rows at `position` (the recorded LSN
// text): `_seq` 0, `_commit_time` and `_ingested_at` the run's start. Its
// schema is the history schema of the table reader's columns.
std::unique_ptr<Reader> SqlServerSnapshotRows(std::unique_ptr<Reader> table, std::string position,
                                              int64_t ingested_at);

}  // namespace tributary
