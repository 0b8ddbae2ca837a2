// SqlServerSource at its boundary: settings, the connection string, and
// what the real unixODBC + FreeTDS stack sends to a server when given it
// (a TDS listener captures the login record; no SQL Server runs here).
#include "source/sqlserver/sqlserver_source.h"

#include <cstdlib>

#include "common/error.h"
#include "engine/connectors.h"
#include "source/sqlserver/sqlserver_tds_capture.h"
#include "support/odbc_fixture.h"

namespace tributary {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class SqlServerSourceTest : public ::testing::Test {
 protected:
  SqlServerSourceTest() {
    project_.dir = "/tmp";
    server_.name = "mssql";
    server_.kind = "sqlserver";
    server_.where = {"tributary.yml", 7, 3};
    server_.settings = {{"host", "127.0.0.1"}, {"user", "loader"}};
  }

  SqlServerSettings Settings() { return ReadSqlServerSettings(project_, server_); }
  std::string ConfigErrorOf() {
    try {
      SqlServerConnectionString(Settings(), "sales");
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "<no error>";
  }
  // Connects through FreeTDS to `capture`; returns the SourceError message.
  std::string ConnectError(const testing::TdsLoginCapture& capture, const std::string& database) {
    server_.settings["port"] = std::to_string(capture.port());
    server_.settings["driver"] = testing::OdbcDriverPath("libtdsodbc.so", "tdsodbc");
    try {
      OpenSource(project_, server_, database);
    } catch (const SourceError& e) {
      return e.what();
    }
    return "<no error>";
  }

  Project project_;
  ServerConfig server_;
};

TEST_F(SqlServerSourceTest, FreeTdsSendsUserPasswordAppAndDatabaseIntact) {
  testing::TdsLoginCapture capture;
  setenv("TRIBUTARY_TEST_MSSQL_PASSWORD", "p;w{d=x y", 1);
  server_.settings["password"] = "${env:TRIBUTARY_TEST_MSSQL_PASSWORD}";
  server_.settings["encrypt"] = "false";
  server_.settings["application_name"] = "tributary nightly";
  std::string error = ConnectError(capture, "sales;db");
  EXPECT_THAT(error, HasSubstr("sqlserver server 'mssql' database 'sales;db': cannot connect:"));
  EXPECT_THAT(error, HasSubstr("check host, port, user and password of server 'mssql'"));
  EXPECT_THAT(error, Not(HasSubstr("p;w{d")));
  testing::TdsLogin login = capture.Login();
  EXPECT_EQ(login.user, "loader");
  EXPECT_EQ(login.password, "p;w{d=x y");
  EXPECT_EQ(login.app, "tributary nightly");
  EXPECT_EQ(login.database, "sales;db");
}

TEST_F(SqlServerSourceTest, FreeTdsNeverSendsTheLoginUnencryptedWhenEncryptionIsRequired) {
  testing::TdsLoginCapture capture;  // answers that it cannot encrypt
  server_.settings["password"] = "${env:HOME}";
  std::string error = ConnectError(capture, "sales");
  EXPECT_THAT(error, HasSubstr("cannot connect"));
  EXPECT_THROW(capture.Login(), std::runtime_error);
}

TEST_F(SqlServerSourceTest, FreeTdsRefusesABraceItWouldReadAmbiguously) {
  setenv("TRIBUTARY_TEST_MSSQL_PASSWORD", "pa}ss", 1);
  server_.settings["password"] = "${env:TRIBUTARY_TEST_MSSQL_PASSWORD}";
  std::string error = ConfigErrorOf();
  EXPECT_THAT(error, HasSubstr("server 'mssql': the password contains '}'"));
  EXPECT_THAT(error, HasSubstr("ODBC Driver 18 for SQL Server"));
  EXPECT_THAT(error, Not(HasSubstr("pa}ss")));
}

TEST_F(SqlServerSourceTest, MicrosoftDriverConnectionStringEscapesEveryValue) {
  setenv("TRIBUTARY_TEST_MSSQL_PASSWORD", "p}w;d", 1);
  server_.settings = {{"host", "db.example.com"},
                      {"user", "loader"},
                      {"password", "${env:TRIBUTARY_TEST_MSSQL_PASSWORD}"},
                      {"driver", "ODBC Driver 18 for SQL Server"},
                      {"trust_server_certificate", "yes"}};
  OdbcConnectionString cs = SqlServerConnectionString(Settings(), "sales");
  EXPECT_EQ(cs.str(),
            "DRIVER={ODBC Driver 18 for SQL Server};SERVER=tcp:db.example.com,1433;DATABASE=sales;"
            "UID=loader;PWD={p}}w;d};APP=tributary;Encrypt=yes;TrustServerCertificate=yes;");
  EXPECT_THAT(cs.Redacted(), HasSubstr("PWD=***;"));
  EXPECT_THAT(cs.Redacted(), Not(HasSubstr("p}}w")));
}

TEST_F(SqlServerSourceTest, FreeTdsConnectionStringAsksForTds74AndUtf8) {
  server_.settings["port"] = "14330";
  OdbcConnectionString cs = SqlServerConnectionString(Settings(), "sales");
  EXPECT_EQ(cs.str(),
            "DRIVER=FreeTDS;SERVER=127.0.0.1;PORT=14330;DATABASE=sales;UID=loader;PWD=;"
            "APP=tributary;TDS_Version=7.4;ClientCharset=UTF-8;Encryption=require;");
}

TEST_F(SqlServerSourceTest, NamedInstanceLeavesThePortToTheBrowserService) {
  server_.settings["host"] = "db\\reporting";
  EXPECT_THAT(SqlServerConnectionString(Settings(), "s").str(),
              HasSubstr("SERVER=db\\reporting;DATABASE=s;"));
  server_.settings["driver"] = "ODBC Driver 18 for SQL Server";
  EXPECT_THAT(SqlServerConnectionString(Settings(), "s").str(),
              HasSubstr("SERVER=tcp:db\\reporting;DATABASE=s;"));
}

TEST_F(SqlServerSourceTest, DefaultsComeFromTheSettingsTable) {
  SqlServerSettings s = Settings();
  EXPECT_EQ(s.port, 1433);
  EXPECT_EQ(s.driver, "FreeTDS");
  EXPECT_TRUE(s.encrypt);
  EXPECT_FALSE(s.trust_server_certificate);
  EXPECT_EQ(s.application_name, "tributary");
  EXPECT_EQ(s.connect_timeout_seconds, 15);
}

TEST_F(SqlServerSourceTest, InvalidSettingsNameTheirPlace) {
  server_.settings["port"] = "14x";
  EXPECT_THAT(ConfigErrorOf(), HasSubstr("tributary.yml:7:3: server 'mssql': 'port' must be a "
                                         "whole number from 1 to 65535"));
  server_.settings["port"] = "1433";
  server_.settings["encrypt"] = "maybe";
  EXPECT_THAT(ConfigErrorOf(), HasSubstr("'encrypt' must be true or false"));
  server_.settings["encrypt"] = "no";
  server_.settings["password"] = "${env:TRIBUTARY_TEST_UNSET_VARIABLE}";
  EXPECT_THAT(ConfigErrorOf(), HasSubstr("TRIBUTARY_TEST_UNSET_VARIABLE"));
}

TEST_F(SqlServerSourceTest, MissingDriverSaysHowToFindInstalledOnes) {
  server_.settings["driver"] = "No Such Driver 99";
  try {
    OpenSource(project_, server_, "sales");
    FAIL() << "expected an error";
  } catch (const SourceError& e) {
    EXPECT_THAT(e.what(), HasSubstr("sqlserver server 'mssql' database 'sales': cannot connect: "));
    EXPECT_THAT(e.what(),
                HasSubstr("ODBC driver 'No Such Driver 99' is installed (`odbcinst -q -d`"));
  }
}

TEST_F(SqlServerSourceTest, SessionSetupLiftsTheTextSizeLimit) {
  EXPECT_EQ(SqlServerSessionSetupSql(), "/* tributary */ SET TEXTSIZE 2147483647");
}

// `tributary check`'s table list (suggestions for a misspelt name): user
// tables and views with their schemas, as nvarchar so ODBC hands them over
// as text, system objects left out.
TEST_F(SqlServerSourceTest, TheTableListAsksForUserTablesAndViewsAsText) {
  EXPECT_EQ(SqlServerListTablesSql(),
            "SELECT CAST(s.name AS nvarchar(128)) AS schema_name, CAST(o.name AS nvarchar(128)) "
            "AS table_name FROM sys.objects AS o JOIN sys.schemas AS s ON s.schema_id = "
            "o.schema_id WHERE o.type IN ('U', 'V') AND o.is_ms_shipped = 0 ORDER BY s.name, "
            "o.name");
}

// `check`'s description of a custom query: the server describes it without
// running it (a CTE or ORDER BY could not be wrapped in a derived table);
// the query travels as one N'…' literal, quotes doubled.
TEST_F(SqlServerSourceTest, AQueryIsDescribedByTheServerWithoutRunningIt) {
  std::string sql = "WITH t AS (SELECT id FROM dbo.[Order's]) SELECT id FROM t ORDER BY id";
  EXPECT_EQ(SqlServerQueryErrorSql(sql),
            "/* tributary */ SELECT TOP 1 CAST(error_message AS nvarchar(4000)) AS "
            "error_message FROM sys.dm_exec_describe_first_result_set(N'WITH t AS (SELECT id "
            "FROM dbo.[Order''s]) SELECT id FROM t ORDER BY id', NULL, 0) WHERE error_number IS "
            "NOT NULL");
  EXPECT_EQ(SqlServerDescribeQuerySql("SELECT 1 AS one"),
            "/* tributary */ SELECT CAST(d.name AS nvarchar(128)) AS column_name, bt.name AS "
            "base_type, COALESCE(ut.name, bt.name) AS declared_type, CAST(d.precision AS int) AS "
            "precision, CAST(d.scale AS int) AS scale, CAST(COALESCE(d.is_nullable, 1) AS bit) "
            "AS is_nullable, CAST(COALESCE(ut.is_assembly_type, 0) AS bit) AS is_assembly_type "
            "FROM sys.dm_exec_describe_first_result_set(N'SELECT 1 AS one', NULL, 0) AS d LEFT "
            "JOIN sys.types AS bt ON bt.user_type_id = d.system_type_id LEFT JOIN sys.types AS "
            "ut ON ut.user_type_id = d.user_type_id WHERE d.is_hidden = 0 AND d.error_number IS "
            "NULL ORDER BY d.column_ordinal");
}

}  // namespace
}  // namespace tributary
