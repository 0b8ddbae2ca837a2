// The I/O side of SQL Server CDC for one table: runs the statements of
// sqlserver_cdc_sql.h and sqlserver_cdc_prerequisites.h on an open
// connection and hands their results to the pure checks and planner. A
// CdcReader for SQL Server is this plus the strategy's contract.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "source/odbc/odbc_connection.h"
#include "source/sqlserver/sqlserver_cdc_plan.h"
#include "source/sqlserver/sqlserver_cdc_prerequisites.h"

namespace tributary {

// Runs one statement and streams its first result set: an OdbcConnection in
// production; tests answer the exact T-SQL with rows a real driver returns.
using SqlServerQuery = std::function<std::unique_ptr<Reader>(const std::string& sql)>;

// Not thread-safe; runs one statement at a time (a result must be read or
// dropped before the next call: FreeTDS has one active statement).
class SqlServerCdcSession {
 public:
  // Uses `connection`, which must outlive the session.
  SqlServerCdcSession(OdbcConnection& connection, TableRef table);
  // `where` names server and database in messages.
  SqlServerCdcSession(SqlServerQuery query, std::string where, TableRef table);

  // Runs every probe. A probe that fails (missing permission) leaves its
  // fact unknown; only the database probe must succeed (throws SourceError).
  SqlServerCdcFactsAboutDatabase ReadPrerequisites();
  // Throws SourceError listing every fatal problem with its fix; returns
  // the warnings (what could not be verified) for the caller to log.
  std::vector<std::string> CheckPrerequisites();

  // Reads the facts (max LSN fixed now) and decides the run.
  SqlServerCdcPlan Plan(const std::optional<SqlServerCdcPosition>& stored);
  // The facts alone (facts.stored left empty), `stored` giving next_after_stored.
  SqlServerCdcFacts ReadFacts(const std::optional<SqlServerLsn>& stored);
  // The table's primary key columns in key order; empty without one.
  std::vector<std::string> PrimaryKey();
  // The server's offset from UTC now, in minutes (CDC commit times are the
  // server's local time).
  int UtcOffsetMinutes();
  // The time zone to convert commit times from: `configured` (the server's
  // time_zone setting) once sys.time_zone_info confirms it — SourceError
  // naming it when not — or, with none configured, the server's own
  // (CURRENT_TIMEZONE_ID()); nullopt when the server cannot tell (SQL
  // Server before 2022).
  std::optional<std::string> TimeZone(const std::string& configured);
  // The captured columns of `capture_instance`, in order.
  std::vector<std::string> CapturedColumns(const std::string& capture_instance);
  // The changes of one planned segment (metadata columns, then `columns`).
  // `time_zone` as SqlServerCdcChangesSql takes it.
  std::unique_ptr<Reader> ReadChanges(const SqlServerCdcSegment& segment,
                                      const std::vector<std::string>& columns,
                                      const std::string& time_zone);
  // The initial load's snapshot; call after Plan returned kInitialLoad.
  std::unique_ptr<Reader> ReadSnapshot(const std::vector<std::string>& columns);

 private:
  Batch ReadAll(const std::string& sql);
  std::optional<Batch> TryReadAll(const std::string& sql);

  SqlServerQuery query_;
  std::string where_;
  TableRef table_;
};

}  // namespace tributary
