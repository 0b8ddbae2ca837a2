// The T-SQL a SQL Server CDC reader sends, one statement per function so
// each is tested exactly as sent. Names are bracket-quoted and values are
// N'…' / 0x… literals (sqlserver_dialect.h): nothing from the config can
// change a statement's meaning. Every statement carries the leading
// "/* tributary */" tag so a DBA can find it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "data/batch.h"
#include "source/source.h"
#include "source/sqlserver/sqlserver_cdc_lsn.h"
#include "source/sqlserver/sqlserver_cdc_plan.h"

namespace tributary {

// Names of the metadata columns SqlServerCdcChangesSql returns before the
// captured columns.
inline constexpr const char* kCdcStartLsn = "__$start_lsn";      // binary(10): commit LSN
inline constexpr const char* kCdcSeqval = "__$seqval";           // binary(10): order in the txn
inline constexpr const char* kCdcOperation = "__$operation";     // int: 1..4
inline constexpr const char* kCdcUpdateMask = "__$update_mask";  // varbinary(128)
inline constexpr const char* kCdcCommitTime = "__$commit_time";  // datetime: tran_end_time

std::string SqlServerCdcMinLsnSql(const std::string& capture_instance);
std::string SqlServerCdcMaxLsnSql();
std::string SqlServerCdcIncrementLsnSql(const SqlServerLsn& lsn);
std::string SqlServerCdcLsnToTimeSql(const SqlServerLsn& lsn);

// Everything PlanSqlServerCdc needs, in one statement (so max_lsn is read
// once): one row per capture instance of `table` — capture_instance,
// start_lsn, min_lsn — each also carrying the database's max_lsn and
// next_lsn (sys.fn_cdc_increment_lsn of `stored`, NULL without one). A
// table without capture instances gives one row with only those two.
// Reads cdc.change_tables: needs db_owner or SELECT on it.
std::string SqlServerCdcFactsSql(const TableRef& table, const std::optional<SqlServerLsn>& stored);
// The facts in `rows` (the result of SqlServerCdcFactsSql), with `stored`.
// Throws SourceError naming `where` when the result does not have that shape.
SqlServerCdcFacts ParseSqlServerCdcFacts(const Batch& rows,
                                         std::optional<SqlServerCdcPosition> stored,
                                         const std::string& where);

// The capture instances of `table` for users who may not read
// cdc.change_tables: needs SELECT on the captured columns and the gating
// role instead. Columns: source_schema, source_table, capture_instance,
// object_id, source_object_id, start_lsn, end_lsn, supports_net_changes,
// has_drop_pending, role_name, index_name, filegroup_name, create_date,
// index_column_list, captured_column_list.
std::string SqlServerCdcHelpSql(const TableRef& table);

// The captured columns of a capture instance, in order (column_name,
// column_ordinal): the columns its change rows carry.
std::string SqlServerCdcCapturedColumnsSql(const std::string& capture_instance);

// The changes of one plan segment, in commit order: the metadata columns
// above, then `columns` (captured column names), ordered by __$start_lsn,
// __$seqval, __$operation (a before-image, 3, before its after-image, 4).
// Uses the 'all update old' row filter so updates keep their before-image.
// With a `time_zone` (a name of sys.time_zone_info: the server's zone),
// __$commit_time is converted to UTC on the server, change by change, so a
// daylight saving switch inside the window is honoured (datetime2(3));
// without one it is the server's local time (datetime).
std::string SqlServerCdcChangesSql(const SqlServerCdcSegment& segment,
                                   const std::vector<std::string>& columns,
                                   const std::string& time_zone = "");

// The primary key columns of `table` in key order (column_name); no row
// when it has none.
std::string SqlServerPrimaryKeySql(const TableRef& table);

// The server's current offset from UTC in minutes (utc_offset_minutes, int):
// sys.fn_cdc_map_lsn_to_time answers in the server's local time. Used only
// when the server's time zone is not known (SqlServerTimeZoneSql).
std::string SqlServerUtcOffsetSql();

// The server's time zone as AT TIME ZONE names it (time_zone, text): with
// `configured` empty, CURRENT_TIMEZONE_ID() — SQL Server 2022, Azure SQL
// Database and Managed Instance; older versions fail the statement — else
// `configured` if sys.time_zone_info knows it (no row when it does not).
std::string SqlServerTimeZoneSql(const std::string& configured);

// The initial load's snapshot: `columns` of `table`, read after the plan's
// LSN was recorded (so the snapshot holds at least every change up to it).
std::string SqlServerCdcSnapshotSql(const TableRef& table, const std::vector<std::string>& columns);

}  // namespace tributary
