#include "source/sqlserver/sqlserver_cdc_prerequisites.h"

#include <fmt/format.h>

#include <algorithm>

#include "source/sqlserver/sqlserver_dialect.h"

namespace tributary {
namespace {

constexpr const char* kTag = "/* tributary */ ";

std::string Label(const TableRef& t) {
  return t.schema.empty() ? t.table : t.schema + "." + t.table;
}

void CheckTable(const SqlServerCdcFactsAboutDatabase& f, const TableRef& t,
                const std::string& where, std::vector<SqlServerCdcProblem>& out) {
  if (!f.table_tracked) {
    out.push_back({true, fmt::format("{}: table '{}' does not exist, or the user cannot see it",
                                     where, Label(t))});
  } else if (!*f.table_tracked) {
    out.push_back({true, fmt::format("{}: table '{}' is not tracked by change data capture: run "
                                     "`{}` in database '{}' (needs db_owner; @role_name can name "
                                     "a role that gates access to the changes)",
                                     where, Label(t), SqlServerCdcEnableTableSql(t), f.database)});
  }
}

void CheckAgent(const SqlServerCdcFactsAboutDatabase& f, const std::string& where,
                std::vector<SqlServerCdcProblem>& out) {
  if (!f.agent_status) {
    out.push_back({false, fmt::format("{}: could not check that SQL Server Agent runs (needs VIEW "
                                      "SERVER STATE); without it no change is captured",
                                      where)});
  } else if (*f.agent_status != "Running") {
    out.push_back({true, fmt::format("{}: SQL Server Agent is '{}': start it. Without it the "
                                     "capture job does not run, no change is captured and the "
                                     "transaction log cannot be truncated",
                                     where, *f.agent_status)});
  }
}

void CheckCaptureJob(const SqlServerCdcFactsAboutDatabase& f, const std::string& where,
                     std::vector<SqlServerCdcProblem>& out) {
  if (f.published) return;  // transactional replication's log reader captures instead
  if (!f.capture_job_exists) {
    out.push_back({false, fmt::format("{}: could not check the CDC capture job (needs SELECT on "
                                      "msdb.dbo.cdc_jobs, sysjobs, sysjobactivity, syssessions)",
                                      where)});
  } else if (!*f.capture_job_exists) {
    out.push_back({true, fmt::format("{}: database '{}' has no CDC capture job: run `EXEC "
                                     "sys.sp_cdc_add_job @job_type = N'capture';` in it",
                                     where, f.database)});
  } else if (f.capture_job_running && !*f.capture_job_running) {
    out.push_back(
        {true, fmt::format("{}: the CDC capture job of database '{}' is not running: "
                           "run `EXEC sys.sp_cdc_start_job @job_type = N'capture';` in it",
                           where, f.database)});
  }
}

}  // namespace

std::vector<SqlServerCdcProblem> CheckSqlServerCdcPrerequisites(
    const SqlServerCdcFactsAboutDatabase& f, const TableRef& table, const std::string& where) {
  std::vector<SqlServerCdcProblem> out;
  if (f.engine_edition == kSqlServerExpress) {
    out.push_back({true, fmt::format("{}: SQL Server Express has no SQL Server Agent, so change "
                                     "data capture cannot capture anything; use the `full` or "
                                     "`incremental` strategy, or another edition",
                                     where)});
  }
  if (!f.cdc_enabled) {
    out.push_back({true, fmt::format("{}: change data capture is not enabled on database '{}': "
                                     "run `{}` in it (needs sysadmin on SQL Server and Managed "
                                     "Instance, db_owner on Azure SQL Database)",
                                     where, f.database, SqlServerCdcEnableDatabaseSql())});
  } else {
    CheckTable(f, table, where, out);
  }
  if (f.engine_edition != kAzureSqlDatabase && f.engine_edition != kSqlServerExpress) {
    CheckAgent(f, where, out);
    CheckCaptureJob(f, where, out);
  }
  std::stable_partition(out.begin(), out.end(), [](const auto& p) { return p.fatal; });
  return out;
}

std::string SqlServerCdcDatabaseSql() {
  return std::string(kTag) +
         "SELECT d.name AS database_name, d.is_cdc_enabled, d.is_published, "
         "CAST(SERVERPROPERTY('EngineEdition') AS int) AS engine_edition "
         "FROM sys.databases AS d WHERE d.database_id = DB_ID()";
}

std::string SqlServerCdcTableTrackedSql(const TableRef& table) {
  return fmt::format(
      "{}SELECT t.is_tracked_by_cdc FROM sys.tables AS t WHERE t.object_id = "
      "OBJECT_ID({})",
      kTag, SqlServerString(SqlServerDialect().QualifiedName(table)));
}

std::string SqlServerAgentStatusSql() {
  return std::string(kTag) +
         "SELECT s.status_desc FROM sys.dm_server_services AS s "
         "WHERE s.servicename LIKE N'SQL Server Agent%'";
}

std::string SqlServerCdcCaptureJobSql() {
  // A job runs when its activity row in the Agent's current session has
  // started and not stopped.
  return std::string(kTag) +
         "SELECT j.name AS job_name, CAST(CASE WHEN a.start_execution_date IS NOT NULL AND "
         "a.stop_execution_date IS NULL THEN 1 ELSE 0 END AS bit) AS is_running "
         "FROM msdb.dbo.cdc_jobs AS c JOIN msdb.dbo.sysjobs AS j ON j.job_id = c.job_id "
         "LEFT JOIN msdb.dbo.sysjobactivity AS a ON a.job_id = j.job_id AND a.session_id = "
         "(SELECT MAX(s.session_id) FROM msdb.dbo.syssessions AS s) "
         "WHERE c.database_id = DB_ID() AND c.job_type = N'capture'";
}

std::string SqlServerCdcEnableDatabaseSql() { return "EXEC sys.sp_cdc_enable_db;"; }

std::string SqlServerCdcEnableTableSql(const TableRef& table) {
  return fmt::format(
      "EXEC sys.sp_cdc_enable_table @source_schema = {}, @source_name = {}, @role_name = NULL;",
      SqlServerString(table.schema.empty() ? "dbo" : table.schema), SqlServerString(table.table));
}

}  // namespace tributary
