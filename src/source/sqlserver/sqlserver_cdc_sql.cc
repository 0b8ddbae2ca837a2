#include "source/sqlserver/sqlserver_cdc_sql.h"

#include <fmt/format.h>

#include "common/error.h"
#include "source/sqlserver/sqlserver_dialect.h"

namespace tributary {
namespace {

constexpr const char* kTag = "/* tributary */ ";

std::string ObjectId(const TableRef& table) {
  return "OBJECT_ID(" + SqlServerString(SqlServerDialect().QualifiedName(table)) + ")";
}

std::optional<SqlServerLsn> LsnAt(const Column& column, size_t row) {
  if (column.IsNull(row)) return std::nullopt;
  return SqlServerLsn::FromBytes(column.GetBytes(row));
}

void CheckFactsShape(const Schema& schema, const std::string& where) {
  const TypeId expected[] = {TypeId::kText, TypeId::kBytes, TypeId::kBytes, TypeId::kBytes,
                             TypeId::kBytes};
  bool ok = schema.fields.size() == std::size(expected);
  for (size_t i = 0; ok && i < std::size(expected); ++i) {
    ok = schema.fields[i].type.id == expected[i];
  }
  if (!ok) throw SourceError(where + ": the CDC facts query returned unexpected columns");
}

}  // namespace

std::string SqlServerCdcMinLsnSql(const std::string& capture_instance) {
  return fmt::format("{}SELECT sys.fn_cdc_get_min_lsn({}) AS min_lsn", kTag,
                     SqlServerString(capture_instance));
}

std::string SqlServerCdcMaxLsnSql() {
  return fmt::format("{}SELECT sys.fn_cdc_get_max_lsn() AS max_lsn", kTag);
}

std::string SqlServerCdcIncrementLsnSql(const SqlServerLsn& lsn) {
  return fmt::format("{}SELECT sys.fn_cdc_increment_lsn({}) AS next_lsn", kTag, lsn.ToString());
}

std::string SqlServerCdcLsnToTimeSql(const SqlServerLsn& lsn) {
  return fmt::format("{}SELECT sys.fn_cdc_map_lsn_to_time({}) AS commit_time", kTag,
                     lsn.ToString());
}

std::string SqlServerCdcFactsSql(const TableRef& table, const std::optional<SqlServerLsn>& stored) {
  std::string next = stored ? fmt::format("sys.fn_cdc_increment_lsn({})", stored->ToString())
                            : "CAST(NULL AS binary(10))";
  return fmt::format(
      "{}SELECT ct.capture_instance, ct.start_lsn, "
      "sys.fn_cdc_get_min_lsn(ct.capture_instance) AS min_lsn, m.max_lsn, m.next_lsn "
      "FROM (SELECT sys.fn_cdc_get_max_lsn() AS max_lsn, {} AS next_lsn) AS m "
      "LEFT JOIN cdc.change_tables AS ct ON ct.source_object_id = {} "
      "ORDER BY ct.create_date, ct.capture_instance",
      kTag, next, ObjectId(table));
}

SqlServerCdcFacts ParseSqlServerCdcFacts(const Batch& rows,
                                         std::optional<SqlServerCdcPosition> stored,
                                         const std::string& where) {
  CheckFactsShape(rows.schema(), where);
  SqlServerCdcFacts facts;
  facts.stored = std::move(stored);
  for (size_t r = 0; r < rows.num_rows(); ++r) {
    facts.max_lsn = LsnAt(rows.column(3), r);
    facts.next_after_stored = LsnAt(rows.column(4), r);
    if (rows.column(0).IsNull(r)) continue;  // the table has no capture instance
    SqlServerCaptureInstance instance;
    instance.name = std::string(rows.column(0).GetBytes(r));
    instance.start_lsn = LsnAt(rows.column(1), r);
    instance.min_lsn = LsnAt(rows.column(2), r).value_or(SqlServerLsn());
    facts.instances.push_back(std::move(instance));
  }
  return facts;
}

std::string SqlServerCdcHelpSql(const TableRef& table) {
  return fmt::format(
      "{}EXEC sys.sp_cdc_help_change_data_capture @source_schema = {}, @source_name = {}", kTag,
      SqlServerString(table.schema.empty() ? "dbo" : table.schema), SqlServerString(table.table));
}

std::string SqlServerCdcCapturedColumnsSql(const std::string& capture_instance) {
  return fmt::format(
      "{}SELECT cc.column_name, cc.column_ordinal FROM cdc.captured_columns AS cc "
      "JOIN cdc.change_tables AS ct ON ct.object_id = cc.object_id "
      "WHERE ct.capture_instance = {} ORDER BY cc.column_ordinal",
      kTag, SqlServerString(capture_instance));
}

std::string SqlServerCdcChangesSql(const SqlServerCdcSegment& segment,
                                   const std::vector<std::string>& columns,
                                   const std::string& time_zone) {
  SqlServerDialect d;
  std::string commit_time =
      fmt::format("sys.fn_cdc_map_lsn_to_time(c.{})", d.QuoteIdentifier(kCdcStartLsn));
  if (!time_zone.empty()) {
    commit_time = fmt::format("CAST({} AT TIME ZONE {} AT TIME ZONE N'UTC' AS datetime2(3))",
                              commit_time, SqlServerString(time_zone));
  }
  std::string select = fmt::format(
      "c.{}, c.{}, c.{}, c.{}, {} AS {}", d.QuoteIdentifier(kCdcStartLsn),
      d.QuoteIdentifier(kCdcSeqval), d.QuoteIdentifier(kCdcOperation),
      d.QuoteIdentifier(kCdcUpdateMask), commit_time, d.QuoteIdentifier(kCdcCommitTime));
  for (const auto& c : columns) select += ", c." + d.QuoteIdentifier(c);
  std::string sql =
      fmt::format("{}SELECT {} FROM cdc.{}({}, {}, N'all update old') AS c", kTag, select,
                  d.QuoteIdentifier("fn_cdc_get_all_changes_" + segment.capture_instance),
                  segment.from.ToString(), segment.to.ToString());
  if (segment.below) {
    sql +=
        fmt::format(" WHERE c.{} < {}", d.QuoteIdentifier(kCdcStartLsn), segment.below->ToString());
  }
  return sql + fmt::format(" ORDER BY c.{}, c.{}, c.{}", d.QuoteIdentifier(kCdcStartLsn),
                           d.QuoteIdentifier(kCdcSeqval), d.QuoteIdentifier(kCdcOperation));
}

std::string SqlServerPrimaryKeySql(const TableRef& table) {
  return fmt::format(
      "{}SELECT c.name AS column_name FROM sys.indexes AS i "
      "JOIN sys.index_columns AS ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id "
      "JOIN sys.columns AS c ON c.object_id = ic.object_id AND c.column_id = ic.column_id "
      "WHERE i.object_id = {} AND i.is_primary_key = 1 ORDER BY ic.key_ordinal",
      kTag, ObjectId(table));
}

std::string SqlServerUtcOffsetSql() {
  return fmt::format("{}SELECT DATEPART(TZOFFSET, SYSDATETIMEOFFSET()) AS utc_offset_minutes",
                     kTag);
}

std::string SqlServerTimeZoneSql(const std::string& configured) {
  if (configured.empty()) return fmt::format("{}SELECT CURRENT_TIMEZONE_ID() AS time_zone", kTag);
  return fmt::format("{}SELECT name AS time_zone FROM sys.time_zone_info WHERE name = {}", kTag,
                     SqlServerString(configured));
}

std::string SqlServerCdcSnapshotSql(const TableRef& table,
                                    const std::vector<std::string>& columns) {
  Schema schema;
  for (const auto& c : columns) schema.fields.push_back(Field{c, DataType{}});
  return kTag + SqlServerDialect().SelectColumns(table, schema);
}

}  // namespace tributary
