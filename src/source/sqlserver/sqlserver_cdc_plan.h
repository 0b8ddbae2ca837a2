// What one run of a SQL Server CDC table does, decided from facts read at
// the start of the run: the stored position, the database's max LSN (fixed
// for the whole run), and the table's capture instances with their minimum
// LSNs. Pure logic: no I/O, so every branch is tested without a server.
//
//   no stored position     → initial load: record max LSN, snapshot the
//                            table, store {newest instance, that LSN}
//   stored LSN < min − 1   → gap: cleanup deleted changes never landed;
//                            SqlServerCdcGapError with the fix (re-snapshot
//                            with `tributary backfill`) — never skip ahead
//   stored LSN ≥ max       → empty window: nothing captured since; the run
//                            records progress without reading
//   otherwise              → read [increment(stored), max] from the stored
//                            capture instance; a newer instance (after a
//                            schema change) takes over at its start LSN:
//                            the old one is read below it, the new one from
//                            it, so each change is read exactly once
// The position committed with the data is the window's upper bound; a
// window read that returns no rows still advances it, so a quiet table
// never falls behind the retention window.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "source/cdc_reader.h"
#include "source/source.h"
#include "source/sqlserver/sqlserver_cdc_lsn.h"

namespace tributary {

// The stored LSN fell out of the source's retention: changes may be lost.
class SqlServerCdcGapError : public CdcGapError {
 public:
  using CdcGapError::CdcGapError;
};

// Where a CDC table stands: every change with __$start_lsn <= lsn has
// landed, read through `capture_instance`. Committed with the data.
struct SqlServerCdcPosition {
  std::string capture_instance;
  SqlServerLsn lsn;

  // {"format":"sqlserver-cdc/1","capture_instance":"dbo_orders","lsn":"0x…"}
  std::string Serialize() const;
  // Throws Error naming what is wrong with `text`.
  static SqlServerCdcPosition Parse(std::string_view text);
  bool operator==(const SqlServerCdcPosition&) const = default;
};

struct SqlServerCaptureInstance {
  std::string name;
  // cdc.change_tables.start_lsn: NULL until the capture job has processed
  // the instance's creation.
  std::optional<SqlServerLsn> start_lsn;
  // sys.fn_cdc_get_min_lsn(name): moves up when cleanup runs; zero when
  // the instance is gone or the user may not read it.
  SqlServerLsn min_lsn;
};

struct SqlServerCdcFacts {
  std::optional<SqlServerCdcPosition> stored;
  // sys.fn_cdc_get_max_lsn(), read once at the start of the run; nullopt
  // while the capture job has recorded nothing yet.
  std::optional<SqlServerLsn> max_lsn;
  // sys.fn_cdc_increment_lsn(stored->lsn) from the server, when available.
  std::optional<SqlServerLsn> next_after_stored;
  // The table's capture instances (at most two), any order.
  std::vector<SqlServerCaptureInstance> instances;
};

// One call of cdc.fn_cdc_get_all_changes_<capture_instance>(from, to, …),
// keeping only __$start_lsn < below when set.
struct SqlServerCdcSegment {
  std::string capture_instance;
  SqlServerLsn from;
  SqlServerLsn to;
  std::optional<SqlServerLsn> below;
  bool operator==(const SqlServerCdcSegment&) const = default;
};

enum class SqlServerCdcAction {
  kInitialLoad,  // snapshot the table; `next` holds the recorded LSN
  kReadWindow,   // read `segments` in order, then commit `next`
  kEmptyWindow,  // nothing new; `next` == stored
  kNotReady,     // the capture job has not caught up; retry later (`note`)
};

struct SqlServerCdcPlan {
  SqlServerCdcAction action = SqlServerCdcAction::kNotReady;
  std::vector<SqlServerCdcSegment> segments;
  SqlServerCdcPosition next;
  std::string note;  // one line for logs: what the run does and why
};

// Decides the run for `table` of `where` (server and database, for
// messages). Throws SqlServerCdcGapError for a gap, and SourceError when the
// table has no capture instance, the user may not read it, or the database
// went back in time (restored from a backup, CDC re-enabled).
SqlServerCdcPlan PlanSqlServerCdc(const SqlServerCdcFacts& facts, const TableRef& table,
                                  const std::string& where);

// The capture instance a stored `lsn` continues from, when only the LSN is
// stored: the newest instance whose changes are complete from the next LSN
// on (start and minimum at or below it), else the oldest (which the plan
// then checks for a gap). Empty without instances.
std::string SqlServerCdcInstanceAt(const std::vector<SqlServerCaptureInstance>& instances,
                                   const SqlServerLsn& lsn);

// What one change row is: __$operation 1, 2, 3, 4.
enum class SqlServerCdcOperation { kDelete, kInsert, kUpdateBefore, kUpdateAfter };

// Throws SourceError for any other code (5, "insert or update", comes only
// from net-change queries, which tributary never sends).
SqlServerCdcOperation SqlServerCdcOperationFromCode(int code);
// "delete", "insert", "update_before", "update_after".
const char* SqlServerCdcOperationName(SqlServerCdcOperation op);

}  // namespace tributary
