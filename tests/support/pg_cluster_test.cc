// The test harness itself: a real PostgreSQL cluster, ready for logical
// decoding, with isolated databases per test.
#include "support/pg_cluster.h"

#include <gtest/gtest.h>

namespace tributary {
namespace {

TEST(PgClusterTest, StartsALogicalReplicationReadyServer) {
  auto& pg = testing::SharedPgCluster();
  EXPECT_EQ(pg.Scalar("SHOW wal_level"), "logical");
  EXPECT_EQ(pg.Scalar("SELECT current_setting('server_version_num')::int >= 150000"), "t");
}

TEST(PgClusterTest, DatabasesAreIsolated) {
  auto& pg = testing::SharedPgCluster();
  std::string a = pg.CreateDatabase();
  std::string b = pg.CreateDatabase();
  ASSERT_NE(a, b);
  pg.Exec("CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders VALUES (1), (2);", a);
  EXPECT_EQ(pg.Scalar("SELECT count(*) FROM orders", a), "2");
  EXPECT_EQ(pg.Scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'orders'", b), "0");
  EXPECT_THROW(pg.Exec("SELECT * FROM no_such_table", b), std::runtime_error);
}

}  // namespace
}  // namespace tributary
