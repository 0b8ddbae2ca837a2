#include "source/sqlserver/sqlserver_cdc_session.h"

#include <fmt/format.h>

#include "common/error.h"
#include "source/sqlserver/sqlserver_cdc_sql.h"

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
    : SqlServerCdcSession([&connection](const std::string& sql) { return connection.Query(sql); },
                          connection.where(), std::move(table)) {}

SqlServerCdcSession::SqlServerCdcSession(SqlServerQuery query, std::string where, TableRef table)
    : query_(std::move(query)), where_(std::move(where)), table_(std::move(table)) {}

Batch SqlServerCdcSession::ReadAll(const std::string& sql) {
  auto reader = query_(sql);
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
    throw SourceError(where_ + ": unexpected result from the CDC database probe");
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
  for (const auto& p : CheckSqlServerCdcPrerequisites(ReadPrerequisites(), table_, where_)) {
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
  SqlServerCdcFacts facts = ReadFacts(at);
  facts.stored = stored;
  return PlanSqlServerCdc(facts, table_, where_);
}

SqlServerCdcFacts SqlServerCdcSession::ReadFacts(const std::optional<SqlServerLsn>& stored) {
  return ParseSqlServerCdcFacts(ReadAll(SqlServerCdcFactsSql(table_, stored)), std::nullopt,
                                where_);
}

std::vector<std::string> SqlServerCdcSession::PrimaryKey() {
  Batch rows = ReadAll(SqlServerPrimaryKeySql(table_));
  if (!Shaped(rows, {TypeId::kText})) {
    throw SourceError(where_ + ": unexpected result listing the primary key columns");
  }
  std::vector<std::string> key;
  for (size_t r = 0; r < rows.num_rows(); ++r) key.push_back(Text(rows, 0, r));
  return key;
}

int SqlServerCdcSession::UtcOffsetMinutes() {
  Batch rows = ReadAll(SqlServerUtcOffsetSql());
  if (!Shaped(rows, {TypeId::kInt32}) || rows.num_rows() != 1 || rows.column(0).IsNull(0)) {
    throw SourceError(where_ + ": unexpected result reading the server's UTC offset");
  }
  return rows.column(0).Get<int32_t>(0);
}

std::optional<std::string> SqlServerCdcSession::TimeZone(const std::string& configured) {
  if (configured.empty()) {
    std::optional<Batch> rows = TryReadAll(SqlServerTimeZoneSql(""));
    if (!rows || !Shaped(*rows, {TypeId::kText}) || rows->num_rows() != 1 ||
        rows->column(0).IsNull(0)) {
      return std::nullopt;
    }
    return Text(*rows, 0, 0);
  }
  Batch rows = ReadAll(SqlServerTimeZoneSql(configured));
  if (!Shaped(rows, {TypeId::kText})) {
    throw SourceError(where_ + ": unexpected result checking the time zone");
  }
  if (rows.num_rows() == 0) {
    throw SourceError(fmt::format(
        "{}: time_zone '{}' is not a time zone this server knows: set it to a name from "
        "sys.time_zone_info (e.g. 'W. Europe Standard Time'), or remove it on SQL Server 2022 "
        "and Azure SQL, which tell their own",
        where_, configured));
  }
  return configured;
}

std::vector<std::string> SqlServerCdcSession::CapturedColumns(const std::string& capture_instance) {
  Batch rows = ReadAll(SqlServerCdcCapturedColumnsSql(capture_instance));
  if (rows.num_columns() != 2 || rows.schema().fields[0].type.id != TypeId::kText) {
    throw SourceError(where_ + ": unexpected result listing captured columns");
  }
  std::vector<std::string> names;
  for (size_t r = 0; r < rows.num_rows(); ++r) names.push_back(Text(rows, 0, r));
  if (names.empty()) {
    throw SourceError(
        fmt::format("{}: capture instance '{}' has no captured column, or the user "
                    "may not read cdc.captured_columns",
                    where_, capture_instance));
  }
  return names;
}

std::unique_ptr<Reader> SqlServerCdcSession::ReadChanges(const SqlServerCdcSegment& segment,
                                                         const std::vector<std::string>& columns,
                                                         const std::string& time_zone) {
  return query_(SqlServerCdcChangesSql(segment, columns, time_zone));
}

std::unique_ptr<Reader> SqlServerCdcSession::ReadSnapshot(const std::vector<std::string>& columns) {
  return query_(SqlServerCdcSnapshotSql(table_, columns));
}

}  // namespace tributary
