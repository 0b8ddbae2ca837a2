// SqlServerCdcSession's failure paths on a real ODBC connection that is not
// SQL Server (its T-SQL cannot run there): errors must name where, and the
// one probe that cannot be unknown must fail loudly. Its success paths run
// against a real server in sqlserver_live_test.cc.
#include "source/sqlserver/sqlserver_cdc_session.h"

#include "common/error.h"
#include "support/odbc_fixture.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

using ::testing::HasSubstr;

TEST(SqlServerCdcSessionTest, FailuresNameWhereAndNeverPassForUnknown) {
  testing::TempDir dir;
  OdbcConnectionString cs;
  cs.Add("DRIVER", testing::OdbcDriverPath("libsqlite3odbc.so", "libsqliteodbc"))
      .Add("Database", (dir / "x.db").string());
  auto conn = testing::OpenOdbc(cs, "not a sql server");
  SqlServerCdcSession session(*conn, TableRef{"dbo", "orders"});
  try {
    session.CheckPrerequisites();
    FAIL() << "the database probe cannot succeed here";
  } catch (const SourceError& e) {
    EXPECT_THAT(e.what(), HasSubstr("not a sql server: query failed"));
  }
  EXPECT_THROW(session.Plan(std::nullopt), SourceError);
  EXPECT_THROW(session.CapturedColumns("dbo_orders"), SourceError);
}

}  // namespace
}  // namespace tributary
