// The CdcReader of SQL Server and Azure SQL: change data capture's capture
// instance functions, through ODBC. Each run plans from facts read once at
// its start (sqlserver_cdc_plan.h): the initial load records the database's
// max LSN and then reads the table; later runs read
// cdc.fn_cdc_get_all_changes_<instance>(increment(stored), max, N'all update
// old'), across a second capture instance after a schema change. See
// docs/sqlserver.md, "Change data capture".
//
// Positions are the LSN as "0x" and 20 upper-case hex digits (fixed width,
// so text order is LSN order). Unlike PostgreSQL's, a SQL Server position is
// inclusive: every change with __$start_lsn at or below it has landed, and
// reading continues at the next LSN. `_commit_lsn` of a change is its
// __$start_lsn (the transaction's commit LSN) in the same form. The capture
// instance is not stored: it follows from the LSN and the table's instances
// (SqlServerCdcInstanceAt).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "config/project.h"
#include "source/cdc_reader.h"
#include "source/sqlserver/sqlserver_cdc_session.h"

namespace tributary {

// Not thread-safe. Acknowledge may be called while a stream reads (it does
// nothing). Statements run one at a time on the one connection.
class SqlServerCdcReader final : public CdcReader {
 public:
  // `where` names server and database ("sqlserver server 'core' database
  // 'sales'"); `query` runs T-SQL there (see SqlServerQuery).
  // `time_zone`: the server's time_zone setting (empty: ask the server).
  SqlServerCdcReader(SqlServerQuery query, std::string where, TableRef table,
                     std::string time_zone = "");

  std::string Describe() const override { return what_; }
  CdcTableInfo DescribeTable() override;
  void CheckPrerequisites() override;
  CdcSnapshot Snapshot(const CdcSnapshotRequest& request) override;
  void CheckResume(const CdcCheckpoint& from) override;
  std::string Bound() override;
  std::unique_ptr<ChangeStream> ReadChanges(const CdcStreamRequest& request) override;
  // SQL Server keeps changes for its cleanup job's retention, not until a
  // reader confirms them: there is nothing to release, so this does nothing.
  void Acknowledge(const std::string& position) override;
  using CdcReader::Status;
  CdcStatus Status(const CdcOwner& owner) override;

 private:
  // The plan for a run that continues after `position` (nullopt: initial
  // load), reading no further than `bound`.
  SqlServerCdcPlan PlanFrom(const std::optional<std::string>& position,
                            const std::optional<std::string>& bound);
  std::string Identity(const std::string& capture_instance) const;

  SqlServerQuery query_;
  std::string where_;
  TableRef table_;
  std::string what_;
  std::string time_zone_;  // as configured
  SqlServerCdcSession session_;
  // The run's plan (from CheckResume or Snapshot) and the position it
  // continues from: the bound stays fixed for the whole run.
  std::optional<SqlServerCdcPlan> plan_;
  std::string planned_from_;
};

}  // namespace tributary
