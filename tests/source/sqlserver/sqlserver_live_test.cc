// Against a real SQL Server or Azure SQL, when one is configured:
//   TRIBUTARY_TEST_SQLSERVER="host=db;port=1433;user=sa;password_env=MSSQL_PW;database=master;
//                            driver=ODBC Driver 18 for SQL Server;trust_server_certificate=true"
// (every key but host and user optional; password_env names the variable
// holding the password). Skipped otherwise: no SQL Server runs here.
// TRIBUTARY_TEST_SQLSERVER_CDC=1 also runs a CDC round trip: it enables CDC
// on the database (sysadmin, or db_owner on Azure SQL Database) and creates
// and drops a scratch table — point it at a scratch database.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <thread>

#include "common/clock.h"
#include "common/error.h"
#include "engine/connectors.h"
#include "engine/runner.h"
#include "source/sqlserver/sqlserver_cdc_session.h"
#include "source/sqlserver/sqlserver_cdc_sql.h"
#include "source/sqlserver/sqlserver_source.h"
#include "support/pg_fixture.h"
#include "support/sqlite_fixture.h"

namespace tributary {
namespace {

using ::testing::HasSubstr;

class SqlServerLiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* spec = std::getenv("TRIBUTARY_TEST_SQLSERVER");
    if (spec == nullptr || *spec == '\0') {
      GTEST_SKIP() << "set TRIBUTARY_TEST_SQLSERVER to run against a real SQL Server "
                      "(see tests/source/sqlserver_live_test.cc)";
    }
    std::map<std::string, std::string> keys;
    std::string text = spec;
    for (size_t at = 0; at < text.size();) {
      size_t end = text.find(';', at);
      std::string pair = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
      size_t eq = pair.find('=');
      if (eq != std::string::npos) keys[pair.substr(0, eq)] = pair.substr(eq + 1);
      at = end == std::string::npos ? text.size() : end + 1;
    }
    database_ = keys.count("database") ? keys["database"] : "master";
    keys.erase("database");
    if (keys.count("password_env")) {
      keys["password"] = "${env:" + keys["password_env"] + "}";
      keys.erase("password_env");
    }
    project_.dir = "/tmp";
    server_ = ServerConfig{"live", "sqlserver", keys, {"env", 0, 0}};
    source_ = OpenSource(project_, server_, database_);
  }

  Batch Read(const std::string& sql) {
    auto reader = source_->Query(sql);
    Batch batch(reader->schema());
    while (reader->Next(batch, BatchLimits{1u << 30, size_t{1} << 40})) {
    }
    return batch;
  }

  Project project_;
  ServerConfig server_;
  std::string database_;
  std::unique_ptr<Source> source_;
};

TEST_F(SqlServerLiveTest, SessionIsTaggedWithTheApplicationName) {
  Batch b = Read("SELECT program_name FROM sys.dm_exec_sessions WHERE session_id = @@SPID");
  EXPECT_EQ(b.column(0).GetBytes(0), "tributary");
}

TEST_F(SqlServerLiveTest, TypesRoundTrip) {
  Batch b = Read(
      "SELECT CAST(1 AS bit) AS b, CAST(255 AS tinyint) AS ti, CAST(-32768 AS smallint) AS si, "
      "CAST(-2147483648 AS int) AS i, CAST(9223372036854775807 AS bigint) AS bi, "
      "CAST(1.5 AS real) AS r, CAST(-1e300 AS float) AS f, "
      "CAST('-12345678901234567890.0123456789' AS decimal(38,10)) AS d, "
      "CAST(-922337203685477.5808 AS money) AS m, N'héllo 😀' AS nv, 'abc' AS v, "
      "REPLICATE(CAST(N'ab😀' AS nvarchar(max)), 50000) AS big, 0x00FF01 AS vb, "
      "CAST('2024-02-29' AS date) AS dt, CAST('23:59:58.1234567' AS time(7)) AS tm, "
      "CAST('2024-01-02 03:04:05.1234567' AS datetime2(7)) AS d2, "
      "CAST('2024-01-02 03:04:05.1234567 +02:00' AS datetimeoffset(7)) AS dto, "
      "CAST('A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11' AS uniqueidentifier) AS u, "
      "CAST('<a>x</a>' AS xml) AS x");
  ASSERT_EQ(b.num_rows(), 1u);
  EXPECT_EQ(b.column(0).Get<uint8_t>(0), 1);
  EXPECT_EQ(b.column(1).Get<int16_t>(0), 255);
  EXPECT_EQ(b.column(2).Get<int16_t>(0), -32768);
  EXPECT_EQ(b.column(4).Get<int64_t>(0), 9223372036854775807);
  EXPECT_EQ(b.column(6).Get<double>(0), -1e300);
  EXPECT_EQ(b.schema().fields[7].type, DataType::Decimal(38, 10));
  EXPECT_EQ(b.schema().fields[8].type, DataType::Decimal(19, 4));
  EXPECT_TRUE(b.column(8).Get<Int128>(0) == -static_cast<Int128>(9223372036854775807) - 1);
  EXPECT_EQ(b.column(9).GetBytes(0), "héllo 😀");
  std::string big;
  for (int i = 0; i < 50000; ++i) big += "ab😀";
  EXPECT_EQ(b.column(11).GetBytes(0), big);
  EXPECT_EQ(b.column(12).GetBytes(0), std::string("\x00\xff\x01", 3));
  EXPECT_EQ(b.column(13).Get<int32_t>(0), testing::Days(2024, 2, 29));
  EXPECT_EQ(b.column(14).Get<int64_t>(0), ((23 * 60 + 59) * 60 + 58) * int64_t{1'000'000} + 123456);
  EXPECT_EQ(b.column(15).Get<int64_t>(0), testing::Micros(2024, 1, 2, 3, 4, 5, 123456));
  EXPECT_EQ(b.schema().fields[16].type.id, TypeId::kTimestampTz);
  EXPECT_EQ(b.column(16).Get<int64_t>(0), testing::Micros(2024, 1, 2, 1, 4, 5, 123456));
  EXPECT_EQ(b.column(17).Get<Uuid>(0).bytes[0], 0xA0);
  EXPECT_EQ(b.column(18).GetBytes(0), "<a>x</a>");
}

TEST_F(SqlServerLiveTest, DescribeTableReadsTheCatalog) {
  Schema s = source_->DescribeTable(TableRef{"sys", "objects"});
  ASSERT_GT(s.fields.size(), 5u);
  EXPECT_EQ(s.fields[0].name, "name");
  EXPECT_EQ(s.fields[0].type.id, TypeId::kText);
  EXPECT_EQ(s.fields[1], (Field{"object_id", DataType{TypeId::kInt32}, false}));
  EXPECT_THROW(source_->DescribeTable(TableRef{"dbo", "no_such_table_here"}), SourceError);
}

TEST_F(SqlServerLiveTest, SqlVariantIsRefusedByName) {
  try {
    Read("SELECT CAST(1 AS sql_variant) AS v");
    FAIL() << "expected an error";
  } catch (const SourceError& e) {
    EXPECT_THAT(e.what(), HasSubstr("column 'v' has type sql_variant"));
  }
}

TEST_F(SqlServerLiveTest, CdcOnAMissingTableSaysWhatIsWrong) {
  auto& conn = static_cast<SqlServerSource&>(*source_).connection();
  SqlServerCdcSession session(conn, TableRef{"dbo", "tributary_no_such_table"});
  try {
    session.CheckPrerequisites();
    FAIL() << "expected problems";
  } catch (const SourceError& e) {
    EXPECT_THAT(e.what(), ::testing::AnyOf(HasSubstr("is not enabled on database"),
                                           HasSubstr("does not exist")));
  }
}

class SqlServerLiveCdcTest : public SqlServerLiveTest {
 protected:
  void SetUp() override {
    const char* cdc = std::getenv("TRIBUTARY_TEST_SQLSERVER_CDC");
    if (cdc == nullptr || std::string(cdc) != "1") {
      GTEST_SKIP() << "set TRIBUTARY_TEST_SQLSERVER_CDC=1 (and TRIBUTARY_TEST_SQLSERVER) to run "
                      "the CDC round trip against a scratch database";
    }
    SqlServerLiveTest::SetUp();
    table_ = TableRef{"dbo", "tributary_cdc_" + std::to_string(getpid())};
  }
  void TearDown() override {
    if (source_) Conn().Execute("DROP TABLE IF EXISTS [dbo].[" + table_.table + "]");
  }
  OdbcConnection& Conn() { return static_cast<SqlServerSource&>(*source_).connection(); }

  // Plans until `done` holds; the capture job runs every few seconds.
  SqlServerCdcPlan PlanUntil(SqlServerCdcSession& session,
                             const std::optional<SqlServerCdcPosition>& stored,
                             const std::function<bool(const SqlServerCdcPlan&)>& done) {
    for (int i = 0; i < 90; ++i) {
      SqlServerCdcPlan plan = session.Plan(stored);
      if (done(plan)) return plan;
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    ADD_FAILURE() << "the capture job did not catch up within 90 s";
    return session.Plan(stored);
  }

  std::vector<int32_t> Operations(SqlServerCdcSession& session, const SqlServerCdcPlan& plan,
                                  const std::vector<std::string>& columns) {
    std::vector<int32_t> ops;
    // SQL Server 2022 and Azure SQL tell their zone: the statement then converts commit times.
    std::string zone = session.TimeZone("").value_or("");
    for (const auto& segment : plan.segments) {
      auto reader = session.ReadChanges(segment, columns, zone);
      Batch b(reader->schema());
      while (reader->Next(b, BatchLimits{})) {
      }
      for (size_t r = 0; r < b.num_rows(); ++r) ops.push_back(b.column(2).Get<int32_t>(r));
    }
    return ops;
  }

  // CDC on the database, then on the scratch table (created first) as `instance`.
  void EnableCdc(const std::string& instance) {
    Conn().Execute(
        "IF (SELECT is_cdc_enabled FROM sys.databases WHERE database_id = DB_ID()) = 0 "
        "EXEC sys.sp_cdc_enable_db");
    Conn().Execute("EXEC sys.sp_cdc_enable_table @source_schema = N'dbo', @source_name = N'" +
                   table_.table + "', @role_name = NULL, @capture_instance = N'" + instance + "'");
  }

  // Runs `step` every second until it returns true (the capture job runs
  // every few seconds), for at most 90 s.
  static void Until(const std::function<bool()>& step) {
    for (int i = 0; i < 90; ++i) {
      if (step()) return;
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    ADD_FAILURE() << "the capture job did not catch up within 90 s";
  }

  TableRef table_;
};

TEST_F(SqlServerLiveCdcTest, InitialLoadChangesAndCaptureInstanceSwitch) {
  const std::string t = table_.table;
  Conn().Execute(
      "IF (SELECT is_cdc_enabled FROM sys.databases WHERE database_id = DB_ID()) = 0 "
      "EXEC sys.sp_cdc_enable_db");
  Conn().Execute("CREATE TABLE [dbo].[" + t + "] (id int PRIMARY KEY, name nvarchar(50))");
  Conn().Execute("EXEC sys.sp_cdc_enable_table @source_schema = N'dbo', @source_name = N'" + t +
                 "', @role_name = NULL, @capture_instance = N'" + t + "_v1'");
  SqlServerCdcSession session(Conn(), table_);
  for (const auto& warning : session.CheckPrerequisites()) std::cerr << warning << "\n";

  SqlServerCdcPlan initial = PlanUntil(session, std::nullopt, [](const SqlServerCdcPlan& p) {
    return p.action == SqlServerCdcAction::kInitialLoad;
  });
  std::vector<std::string> columns = session.CapturedColumns(t + "_v1");
  EXPECT_EQ(columns, (std::vector<std::string>{"id", "name"}));
  SqlServerCdcPosition at = initial.next;

  Conn().Execute("INSERT INTO [dbo].[" + t + "] VALUES (1, N'a'), (2, N'b')");
  Conn().Execute("UPDATE [dbo].[" + t + "] SET name = N'c' WHERE id = 1");
  Conn().Execute("DELETE FROM [dbo].[" + t + "] WHERE id = 2");
  std::vector<int32_t> ops;
  PlanUntil(session, at, [&](const SqlServerCdcPlan& p) {
    if (p.action != SqlServerCdcAction::kReadWindow) return false;
    ops = Operations(session, p, columns);
    at = ops.size() >= 5 ? p.next : at;
    return ops.size() >= 5;
  });
  EXPECT_EQ(ops, (std::vector<int32_t>{2, 2, 3, 4, 1}));

  Conn().Execute("ALTER TABLE [dbo].[" + t + "] ADD note nvarchar(20) NULL");
  Conn().Execute("EXEC sys.sp_cdc_enable_table @source_schema = N'dbo', @source_name = N'" + t +
                 "', @role_name = NULL, @capture_instance = N'" + t + "_v2'");
  Conn().Execute("INSERT INTO [dbo].[" + t + "] VALUES (3, N'd', N'new')");
  SqlServerCdcPlan switched = PlanUntil(
      session, at, [&](const SqlServerCdcPlan& p) { return p.next.capture_instance == t + "_v2"; });
  EXPECT_EQ(switched.segments.back().capture_instance, t + "_v2");
  EXPECT_EQ(session.CapturedColumns(t + "_v2"), (std::vector<std::string>{"id", "name", "note"}));
}

// The cdc strategy end to end through the runner into a DuckDB sink: the
// initial load, changes, an idle run and the capture instance switch.
TEST_F(SqlServerLiveCdcTest, StrategyCdcLandsTheHistory) {
  const std::string t = "[dbo].[" + table_.table + "]";
  Conn().Execute("CREATE TABLE " + t + " (id int PRIMARY KEY, name nvarchar(50))");
  Conn().Execute("INSERT INTO " + t + " VALUES (1, N'a'), (2, N'b')");
  EnableCdc(table_.table + "_v1");
  testing::TempDir dir;
  Project project = project_;
  project.name = "live";
  project.dir = dir.path();
  project.sink.path = "lake.duckdb";
  project.servers = {server_};
  Task task;
  task.strategy = "cdc";
  task.server = server_.name;
  task.database = database_;
  task.source_schema = "dbo";
  task.source_table = table_.table;
  task.frequency = "daily";
  task.sink_table = "live__orders";
  auto run = [&] {
    auto sink = OpenSink(project);
    SystemClock clock;
    RunObserver quiet;
    return RunTasks(project, {task}, *sink, clock, RunOptions{}, quiet).results.at(0);
  };
  auto bronze = [&](const std::string& sql) {
    return testing::DuckDbColumn(dir / "lake.duckdb", sql);
  };
  auto changes = [&] {
    return bronze("SELECT count(*) FROM live__orders WHERE _op <> 'snapshot'").at(0);
  };
  // Until the capture job has processed the new instance, a run says to retry.
  Until([&] { return run().status == "succeeded"; });
  EXPECT_EQ(bronze("SELECT count(*) FROM live__orders WHERE _op = 'snapshot'").at(0), "2");

  Conn().Execute("INSERT INTO " + t + " VALUES (3, N'c')");
  Conn().Execute("UPDATE " + t + " SET name = N'A' WHERE id = 1");
  Conn().Execute("DELETE FROM " + t + " WHERE id = 2");
  Until([&] {
    TaskResult r = run();
    EXPECT_EQ(r.status, "succeeded") << r.error;
    return changes() == "4";
  });
  EXPECT_EQ(bronze("SELECT _op FROM live__orders WHERE _op <> 'snapshot' ORDER BY _commit_lsn, "
                   "_seq"),
            (std::vector<std::string>{"insert", "before", "update", "delete"}));
  TaskResult idle = run();
  EXPECT_EQ(idle.status, "succeeded") << idle.error;
  EXPECT_EQ(changes(), "4");

  Conn().Execute("ALTER TABLE " + t + " ADD note nvarchar(20) NULL");
  EnableCdc(table_.table + "_v2");
  Conn().Execute("INSERT INTO " + t + " VALUES (4, N'd', N'new')");
  Until([&] {
    TaskResult r = run();
    EXPECT_EQ(r.status, "succeeded") << r.error;
    return bronze("SELECT count(*) FROM live__orders WHERE note = 'new'").at(0) == "1";
  });
  EXPECT_EQ(changes(), "5");
}

}  // namespace
}  // namespace tributary
