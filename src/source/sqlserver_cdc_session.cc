#include "source/sqlserver_cdc_session.h"

#include <fmt/format.h>

#include "common/error.h"
#include "source/sqlserver_cdc_sql.h"

namespace tributary {
namespace {

bool Shaped(const Batch& b, std::initializer_list<TypeId> types) {
  if (b.num_columns() != types.size()) return false;
  size_t i = 0;
  for (TypeId t : types) {
    if (b.schema().fields[i++].type.id != t) return false;
  }
  return true;
}

std::string Text(const Batch& b, size_t column, size_t row) {
  return b.column(column).IsNull(row) ? "" : std::string(b.column(column).GetBytes(row));
}

bool Flag(const Batch& b, size_t column, size_t row) {
  return !b.column(column).IsNull(row) && b.column(column).Get<uint8_t>(row) != 0;
}

}  // namespace

SqlServerCdcSession::SqlServerCdcSession(OdbcConnection& connection, TableRef table)
    : connection_(connection), table_(std::move(table)) {}

Batch SqlServerCdcSession::ReadAll(const std::string& sql) {
  auto reader = connection_.Query(sql);
  Batch batch(reader->schema());
  while (reader->Next(batch, BatchLimits{size_t{1} << 30, size_t{1} << 40})) {
  }
  return batch;
}

std::optional<Batch> SqlServerCdcSession::TryReadAll(const std::string& sql) {
  try {
    return ReadAll(sql);
  } catch (const SourceError&) {
    return std::nullopt;  // typically a missing permission: the fact stays unknown
  }
}

SqlServerCdcFactsAboutDatabase SqlServerCdcSession::ReadPrerequisites() {
  SqlServerCdcFactsAboutDatabase facts;
  Batch db = ReadAll(SqlServerCdcDatabaseSql());
  if (!Shaped(db, {TypeId::kText, TypeId::kBool, TypeId::kBool, TypeId::kInt32}) ||
      db.num_rows() != 1) {
    throw SourceError(connection_.where() + ": unexpected result from the CDC database probe");
  }
  facts.database = Text(db, 0, 0);
  facts.cdc_enabled = Flag(db, 1, 0);
  facts.published = Flag(db, 2, 0);
  facts.engine_edition = db.column(3).Get<int32_t>(0);
  if (auto t = TryReadAll(SqlServerCdcTableTrackedSql(table_)); t && Shaped(*t, {TypeId::kBool})) {
    if (t->num_rows() > 0) facts.table_tracked = Flag(*t, 0, 0);
  }
  if (auto a = TryReadAll(SqlServerAgentStatusSql()); a && Shaped(*a, {TypeId::kText})) {
    facts.agent_status = a->num_rows() > 0 ? Text(*a, 0, 0) : "not installed";
  }
  if (auto j = TryReadAll(SqlServerCdcCaptureJobSql());
      j && Shaped(*j, {TypeId::kText, TypeId::kBool})) {
    facts.capture_job_exists = j->num_rows() > 0;
    if (j->num_rows() > 0) facts.capture_job_running = Flag(*j, 1, 0);
  }
  return facts;
}

std::vector<std::string> SqlServerCdcSession::CheckPrerequisites() {
  std::string fatal;
  std::vector<std::string> warnings;
  for (const auto& p :
       CheckSqlServerCdcPrerequisites(ReadPrerequisites(), table_, connection_.where())) {
    if (p.fatal) {
      fatal += (fatal.empty() ? "" : "\n") + p.message;
    } else {
      warnings.push_back(p.message);
    }
  }
  if (!fatal.empty()) throw SourceError(fatal);
  return warnings;
}

SqlServerCdcPlan SqlServerCdcSession::Plan(const std::optional<SqlServerCdcPosition>& stored) {
  std::optional<SqlServerLsn> at;
  if (stored) at = stored->lsn;
  Batch rows = ReadAll(SqlServerCdcFactsSql(table_, at));
  return PlanSqlServerCdc(ParseSqlServerCdcFacts(rows, stored, connection_.where()), table_,
                          connection_.where());
}

std::vector<std::string> SqlServerCdcSession::CapturedColumns(const std::string& capture_instance) {
  Batch rows = ReadAll(SqlServerCdcCapturedColumnsSql(capture_instance));
  if (rows.num_columns() != 2 || rows.schema().fields[0].type.id != TypeId::kText) {
    throw SourceError(connection_.where() + ": unexpected result listing captured columns");
  }
  std::vector<std::string> names;
  for (size_t r = 0; r < rows.num_rows(); ++r) names.push_back(Text(rows, 0, r));
  if (names.empty()) {
    throw SourceError(
        fmt::format("{}: capture instance '{}' has no captured column, or the user "
                    "may not read cdc.captured_columns",
                    connection_.where(), capture_instance));
  }
  return names;
}

std::unique_ptr<Reader> SqlServerCdcSession::ReadChanges(const SqlServerCdcSegment& segment,
                                                         const std::vector<std::string>& columns) {
  return connection_.Query(SqlServerCdcChangesSql(segment, columns));
}

std::unique_ptr<Reader> SqlServerCdcSession::ReadSnapshot(const std::vector<std::string>& columns) {
  return connection_.Query(SqlServerCdcSnapshotSql(table_, columns));
}

}  // namespace tributary
