// Whether SQL Server change data capture can serve a table, and exactly
// what to enable when it cannot. Each probe is one statement; a probe the
// user lacks permission for yields "unknown", which is a warning, never a
// pass. The judgement itself is pure and tested without a server.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "source/source.h"

namespace tributary {

// SERVERPROPERTY('EngineEdition') values that change the checks.
inline constexpr int kSqlServerExpress = 4;         // no SQL Server Agent
inline constexpr int kAzureSqlDatabase = 5;         // no Agent: a CDC scheduler captures
inline constexpr int kAzureSqlManagedInstance = 8;  // Agent, like SQL Server

struct SqlServerCdcFactsAboutDatabase {
  std::string database;
  bool cdc_enabled = false;  // sys.databases.is_cdc_enabled
  bool published = false;    // is_published: replication's log reader captures
  int engine_edition = 0;
  std::optional<bool> table_tracked;        // sys.tables.is_tracked_by_cdc; nullopt: no table
  std::optional<std::string> agent_status;  // "Running", "Stopped", …; nullopt: unknown
  std::optional<bool> capture_job_exists;   // nullopt: msdb not readable
  std::optional<bool> capture_job_running;
};

struct SqlServerCdcProblem {
  bool fatal = true;  // false: a warning (could not verify)
  std::string message;
};

// Every problem found, fatal ones first; empty when CDC can serve the table.
std::vector<SqlServerCdcProblem> CheckSqlServerCdcPrerequisites(
    const SqlServerCdcFactsAboutDatabase& facts, const TableRef& table, const std::string& where);

// Probes. Database: database_name, is_cdc_enabled, is_published,
// engine_edition (one row).
std::string SqlServerCdcDatabaseSql();
// is_tracked_by_cdc of `table` (no row: no such table).
std::string SqlServerCdcTableTrackedSql(const TableRef& table);
// status_desc of SQL Server Agent (needs VIEW SERVER STATE).
std::string SqlServerAgentStatusSql();
// One row per capture job of the current database: job_name, is_running
// (needs SELECT on msdb's cdc_jobs, sysjobs, sysjobactivity, syssessions).
std::string SqlServerCdcCaptureJobSql();

// The statements that enable CDC, as shown in messages and docs.
std::string SqlServerCdcEnableDatabaseSql();
std::string SqlServerCdcEnableTableSql(const TableRef& table);

}  // namespace tributary
