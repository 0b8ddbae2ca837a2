// The I/O side of SQL Server CDC for one table: runs the statements of
// sqlserver_cdc_sql.h and sqlserver_cdc_prerequisites.h on an open
// connection and hands their results to the pure checks and planner. A
// CdcReader for SQL Server is this plus the strategy's contract.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "source/odbc_connection.h"
#include "source/sqlserver_cdc_plan.h"
#include "source/sqlserver_cdc_prerequisites.h"

namespace tributary {

// Not thread-safe; uses the connection it is given (which must outlive it)
// for one statement at a time.
class SqlServerCdcSession {
 public:
  SqlServerCdcSession(OdbcConnection& connection, TableRef table);

  // Runs every probe. A probe that fails (missing permission) leaves its
  // fact unknown; only the database probe must succeed (throws SourceError).
  SqlServerCdcFactsAboutDatabase ReadPrerequisites();
  // Throws SourceError listing every fatal problem with its fix; returns
  // the warnings (what could not be verified) for the caller to log.
  std::vector<std::string> CheckPrerequisites();

  // Reads the facts (max LSN fixed now) and decides the run.
  SqlServerCdcPlan Plan(const std::optional<SqlServerCdcPosition>& stored);
  // The captured columns of `capture_instance`, in order.
  std::vector<std::string> CapturedColumns(const std::string& capture_instance);
  // The changes of one planned segment (metadata columns, then `columns`).
  std::unique_ptr<Reader> ReadChanges(const SqlServerCdcSegment& segment,
                                      const std::vector<std::string>& columns);
  // The initial load's snapshot; call after Plan returned kInitialLoad.
  std::unique_ptr<Reader> ReadSnapshot(const std::vector<std::string>& columns);

 private:
  Batch ReadAll(const std::string& sql);
  std::optional<Batch> TryReadAll(const std::string& sql);

  OdbcConnection& connection_;
  TableRef table_;
};

}  // namespace tributary
