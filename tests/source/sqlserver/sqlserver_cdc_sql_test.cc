// The T-SQL a SQL Server CDC reader sends, exactly as sent, the parsing of
// the facts query's result, and the prerequisite checks.
#include "source/sqlserver/sqlserver_cdc_sql.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/error.h"
#include "source/sqlserver/sqlserver_cdc_prerequisites.h"

namespace tributary {
namespace {

using ::testing::HasSubstr;

const TableRef kOrders{"dbo", "order's"};
const SqlServerLsn kA = *SqlServerLsn::Parse("0x0000002A000001F00003");
const SqlServerLsn kB = *SqlServerLsn::Parse("0x0000002B000000100001");
const SqlServerLsn kC = *SqlServerLsn::Parse("0x0000002B000000200001");

TEST(SqlServerCdcSqlTest, LsnFunctions) {
  EXPECT_EQ(SqlServerCdcMinLsnSql("dbo_o'x"),
            "/* tributary */ SELECT sys.fn_cdc_get_min_lsn(N'dbo_o''x') AS min_lsn");
  EXPECT_EQ(SqlServerCdcMaxLsnSql(), "/* tributary */ SELECT sys.fn_cdc_get_max_lsn() AS max_lsn");
  EXPECT_EQ(SqlServerCdcIncrementLsnSql(kA),
            "/* tributary */ SELECT sys.fn_cdc_increment_lsn(0x0000002A000001F00003) AS next_lsn");
  EXPECT_EQ(SqlServerCdcLsnToTimeSql(kA),
            "/* tributary */ SELECT sys.fn_cdc_map_lsn_to_time(0x0000002A000001F00003) AS "
            "commit_time");
}

TEST(SqlServerCdcSqlTest, FactsInOneStatement) {
  EXPECT_EQ(SqlServerCdcFactsSql(kOrders, kA),
            "/* tributary */ SELECT ct.capture_instance, ct.start_lsn, "
            "sys.fn_cdc_get_min_lsn(ct.capture_instance) AS min_lsn, m.max_lsn, m.next_lsn "
            "FROM (SELECT sys.fn_cdc_get_max_lsn() AS max_lsn, "
            "sys.fn_cdc_increment_lsn(0x0000002A000001F00003) AS next_lsn) AS m "
            "LEFT JOIN cdc.change_tables AS ct ON ct.source_object_id = "
            "OBJECT_ID(N'[dbo].[order''s]') ORDER BY ct.create_date, ct.capture_instance");
  EXPECT_THAT(SqlServerCdcFactsSql(kOrders, std::nullopt),
              HasSubstr("CAST(NULL AS binary(10)) AS next_lsn"));
}

// A result shaped like the facts query's.
Batch FactsRows(const std::vector<std::array<std::optional<std::string>, 5>>& rows) {
  auto schema = std::make_shared<Schema>();
  for (const char* name : {"capture_instance", "start_lsn", "min_lsn", "max_lsn", "next_lsn"}) {
    schema->fields.push_back(
        Field{name, DataType{name[0] == 'c' ? TypeId::kText : TypeId::kBytes}});
  }
  Batch batch(schema);
  for (const auto& row : rows) {
    for (size_t c = 0; c < 5; ++c) {
      if (row[c]) {
        batch.column(c).AppendBytes(*row[c]);
      } else {
        batch.column(c).AppendNull();
      }
    }
  }
  return batch;
}

TEST(SqlServerCdcSqlTest, ParsesFactsIncludingUnestablishedInstances) {
  Batch rows = FactsRows({{"dbo_orders", kA.Bytes(), kA.Bytes(), kC.Bytes(), kB.Bytes()},
                          {"dbo_orders_v2", std::nullopt, std::nullopt, kC.Bytes(), kB.Bytes()}});
  SqlServerCdcPosition stored{"dbo_orders", kA};
  SqlServerCdcFacts f = ParseSqlServerCdcFacts(rows, stored, "here");
  EXPECT_EQ(f.stored, stored);
  EXPECT_EQ(f.max_lsn, kC);
  EXPECT_EQ(f.next_after_stored, kB);
  ASSERT_EQ(f.instances.size(), 2u);
  EXPECT_EQ(f.instances[0].name, "dbo_orders");
  EXPECT_EQ(f.instances[0].start_lsn, kA);
  EXPECT_EQ(f.instances[1].start_lsn, std::nullopt);
  EXPECT_TRUE(f.instances[1].min_lsn.IsZero());
}

TEST(SqlServerCdcSqlTest, ATableWithoutInstancesStillGivesTheMaxLsn) {
  Batch rows =
      FactsRows({{std::nullopt, std::nullopt, SqlServerLsn().Bytes(), kC.Bytes(), std::nullopt}});
  SqlServerCdcFacts f = ParseSqlServerCdcFacts(rows, std::nullopt, "here");
  EXPECT_TRUE(f.instances.empty());
  EXPECT_EQ(f.max_lsn, kC);
  EXPECT_FALSE(f.next_after_stored);
}

TEST(SqlServerCdcSqlTest, UnexpectedFactsShapeIsAnError) {
  auto schema = std::make_shared<Schema>();
  schema->fields = {Field{"x", DataType{TypeId::kInt32}}};
  EXPECT_THROW(ParseSqlServerCdcFacts(Batch(schema), std::nullopt, "here"), SourceError);
}

TEST(SqlServerCdcSqlTest, HelpAndCapturedColumns) {
  EXPECT_EQ(SqlServerCdcHelpSql(kOrders),
            "/* tributary */ EXEC sys.sp_cdc_help_change_data_capture @source_schema = N'dbo', "
            "@source_name = N'order''s'");
  EXPECT_EQ(SqlServerCdcCapturedColumnsSql("dbo_orders"),
            "/* tributary */ SELECT cc.column_name, cc.column_ordinal FROM cdc.captured_columns AS "
            "cc JOIN cdc.change_tables AS ct ON ct.object_id = cc.object_id WHERE "
            "ct.capture_instance = N'dbo_orders' ORDER BY cc.column_ordinal");
}

TEST(SqlServerCdcSqlTest, ChangesInCommitOrderWithBeforeImages) {
  SqlServerCdcSegment segment{"dbo_orders", kA, kC, std::nullopt};
  EXPECT_EQ(SqlServerCdcChangesSql(segment, {"id", "total]"}),
            "/* tributary */ SELECT c.[__$start_lsn], c.[__$seqval], c.[__$operation], "
            "c.[__$update_mask], sys.fn_cdc_map_lsn_to_time(c.[__$start_lsn]) AS [__$commit_time], "
            "c.[id], c.[total]]] FROM cdc.[fn_cdc_get_all_changes_dbo_orders]"
            "(0x0000002A000001F00003, 0x0000002B000000200001, N'all update old') AS c "
            "ORDER BY c.[__$start_lsn], c.[__$seqval], c.[__$operation]");
}

TEST(SqlServerCdcSqlTest, CommitTimesTurnUtcOnTheServerWithItsTimeZone) {
  SqlServerCdcSegment segment{"dbo_orders", kA, kC, std::nullopt};
  EXPECT_THAT(SqlServerCdcChangesSql(segment, {"id"}, "W. Europe Standard Time"),
              HasSubstr("c.[__$update_mask], CAST(sys.fn_cdc_map_lsn_to_time(c.[__$start_lsn]) "
                        "AT TIME ZONE N'W. Europe Standard Time' AT TIME ZONE N'UTC' AS "
                        "datetime2(3)) AS [__$commit_time], c.[id] FROM"));
  // A name is a literal, whatever it holds.
  EXPECT_THAT(SqlServerCdcChangesSql(segment, {"id"}, "x' ; DROP TABLE t --"),
              HasSubstr("AT TIME ZONE N'x'' ; DROP TABLE t --' AT TIME ZONE"));
  EXPECT_EQ(SqlServerTimeZoneSql(""), "/* tributary */ SELECT CURRENT_TIMEZONE_ID() AS time_zone");
  EXPECT_EQ(SqlServerTimeZoneSql("Pacific Standard Time"),
            "/* tributary */ SELECT name AS time_zone FROM sys.time_zone_info WHERE name = "
            "N'Pacific Standard Time'");
}

TEST(SqlServerCdcSqlTest, OldInstanceIsReadOnlyBelowTheHandover) {
  SqlServerCdcSegment segment{"dbo_orders", kA, kC, kB};
  EXPECT_THAT(SqlServerCdcChangesSql(segment, {"id"}),
              HasSubstr("N'all update old') AS c WHERE c.[__$start_lsn] < 0x0000002B000000100001 "
                        "ORDER BY"));
}

TEST(SqlServerCdcSqlTest, SnapshotSelectsTheCapturedColumns) {
  EXPECT_EQ(SqlServerCdcSnapshotSql(kOrders, {"id", "total"}),
            "/* tributary */ SELECT [id], [total] FROM [dbo].[order's]");
}

TEST(SqlServerCdcSqlTest, PrerequisiteProbes) {
  EXPECT_EQ(SqlServerCdcDatabaseSql(),
            "/* tributary */ SELECT d.name AS database_name, d.is_cdc_enabled, d.is_published, "
            "CAST(SERVERPROPERTY('EngineEdition') AS int) AS engine_edition FROM sys.databases "
            "AS d WHERE d.database_id = DB_ID()");
  EXPECT_EQ(SqlServerCdcTableTrackedSql(kOrders),
            "/* tributary */ SELECT t.is_tracked_by_cdc FROM sys.tables AS t WHERE t.object_id = "
            "OBJECT_ID(N'[dbo].[order''s]')");
  EXPECT_THAT(SqlServerAgentStatusSql(), HasSubstr("FROM sys.dm_server_services AS s WHERE "
                                                   "s.servicename LIKE N'SQL Server Agent%'"));
  EXPECT_THAT(SqlServerCdcCaptureJobSql(),
              HasSubstr("FROM msdb.dbo.cdc_jobs AS c JOIN msdb.dbo.sysjobs AS j"));
  EXPECT_THAT(SqlServerCdcCaptureJobSql(),
              HasSubstr("WHERE c.database_id = DB_ID() AND c.job_type = N'capture'"));
}

class SqlServerCdcPrerequisitesTest : public ::testing::Test {
 protected:
  SqlServerCdcPrerequisitesTest() {
    facts_.database = "sales";
    facts_.cdc_enabled = true;
    facts_.engine_edition = 3;
    facts_.table_tracked = true;
    facts_.agent_status = "Running";
    facts_.capture_job_exists = true;
    facts_.capture_job_running = true;
  }
  std::vector<SqlServerCdcProblem> Check() {
    return CheckSqlServerCdcPrerequisites(facts_, TableRef{"dbo", "orders"}, "where");
  }
  std::string Only() {
    auto problems = Check();
    EXPECT_EQ(problems.size(), 1u);
    return problems.empty() ? "" : problems[0].message;
  }
  SqlServerCdcFactsAboutDatabase facts_;
};

TEST_F(SqlServerCdcPrerequisitesTest, AllInPlaceIsNoProblem) { EXPECT_TRUE(Check().empty()); }

TEST_F(SqlServerCdcPrerequisitesTest, DatabaseNotEnabled) {
  facts_.cdc_enabled = false;
  EXPECT_EQ(Only(),
            "where: change data capture is not enabled on database 'sales': run `EXEC "
            "sys.sp_cdc_enable_db;` in it (needs sysadmin on SQL Server and Managed Instance, "
            "db_owner on Azure SQL Database)");
}

TEST_F(SqlServerCdcPrerequisitesTest, TableNotTrackedOrMissing) {
  facts_.table_tracked = false;
  EXPECT_EQ(Only(),
            "where: table 'dbo.orders' is not tracked by change data capture: run `EXEC "
            "sys.sp_cdc_enable_table @source_schema = N'dbo', @source_name = N'orders', "
            "@role_name = NULL;` in database 'sales' (needs db_owner; @role_name can name a role "
            "that gates access to the changes)");
  facts_.table_tracked.reset();
  EXPECT_THAT(Only(), HasSubstr("table 'dbo.orders' does not exist"));
}

TEST_F(SqlServerCdcPrerequisitesTest, AgentAndCaptureJob) {
  facts_.agent_status = "Stopped";
  EXPECT_THAT(Only(), HasSubstr("SQL Server Agent is 'Stopped': start it"));
  facts_.agent_status = "Running";
  facts_.capture_job_running = false;
  EXPECT_THAT(Only(), HasSubstr("run `EXEC sys.sp_cdc_start_job @job_type = N'capture';`"));
  facts_.capture_job_exists = false;
  EXPECT_THAT(Only(), HasSubstr("has no CDC capture job: run `EXEC sys.sp_cdc_add_job @job_type "
                                "= N'capture';`"));
  facts_.published = true;  // replication's log reader captures: no job needed
  EXPECT_TRUE(Check().empty());
}

TEST_F(SqlServerCdcPrerequisitesTest, WhatCannotBeVerifiedIsAWarning) {
  facts_.agent_status.reset();
  facts_.capture_job_exists.reset();
  auto problems = Check();
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_FALSE(problems[0].fatal);
  EXPECT_THAT(problems[0].message, HasSubstr("VIEW SERVER STATE"));
  EXPECT_FALSE(problems[1].fatal);
  facts_.cdc_enabled = false;
  EXPECT_TRUE(Check().front().fatal);  // fatal problems come first
}

TEST_F(SqlServerCdcPrerequisitesTest, AzureSqlDatabaseHasNoAgentToCheck) {
  facts_.engine_edition = kAzureSqlDatabase;
  facts_.agent_status.reset();
  facts_.capture_job_exists.reset();
  EXPECT_TRUE(Check().empty());
}

TEST_F(SqlServerCdcPrerequisitesTest, ExpressCannotCapture) {
  facts_.engine_edition = kSqlServerExpress;
  EXPECT_THAT(Only(), HasSubstr("SQL Server Express has no SQL Server Agent"));
}

TEST(SqlServerCdcSqlTest, PrimaryKeyAndUtcOffset) {
  EXPECT_EQ(SqlServerPrimaryKeySql(kOrders),
            "/* tributary */ SELECT c.name AS column_name FROM sys.indexes AS i "
            "JOIN sys.index_columns AS ic ON ic.object_id = i.object_id AND ic.index_id = "
            "i.index_id JOIN sys.columns AS c ON c.object_id = ic.object_id AND c.column_id = "
            "ic.column_id WHERE i.object_id = OBJECT_ID(N'[dbo].[order''s]') AND "
            "i.is_primary_key = 1 ORDER BY ic.key_ordinal");
  EXPECT_EQ(SqlServerUtcOffsetSql(),
            "/* tributary */ SELECT DATEPART(TZOFFSET, SYSDATETIMEOFFSET()) AS "
            "utc_offset_minutes");
}

}  // namespace
}  // namespace tributary
