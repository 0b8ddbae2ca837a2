// Large values without REPLICA IDENTITY FULL: an update that leaves a value
// stored out of line unchanged does not send it, and tributary fills it from
// the key's last change in the run or from what the sink landed for the key
// (history or current table) — on DuckDB and on the PostgreSQL sink. Never
// a NULL; a value found nowhere stops the run.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/cdc_fixture.h"

namespace tributary::testing {
namespace {

using ::testing::HasSubstr;

class CdcToastTest : public CdcFixture, public ::testing::WithParamInterface<std::string> {
 protected:
  CdcToastTest() {
    if (GetParam() == "postgresql") {
      sink_db_ = pg_.CreateDatabase();
      project_.sink.kind = "postgresql";
      project_.sink.settings = {{"host", "127.0.0.1"},
                                {"port", std::to_string(pg_.port())},
                                {"database", sink_db_},
                                {"user", "tributary"},
                                {"sslmode", "disable"}};
    }
    CreateDocs("docs");
  }

  // REPLICA IDENTITY DEFAULT; body is stored out of line, uncompressed.
  void CreateDocs(const std::string& table) {
    Exec("CREATE TABLE " + table + " (id int PRIMARY KEY, title text, body text);ALTER TABLE " +
         table + " ALTER COLUMN body SET STORAGE EXTERNAL; INSERT INTO " + table +
         " SELECT i, 'a', " + Random("i") + " FROM generate_series(1, 3) i");
  }

  // About 3 kB of text that does not compress.
  static std::string Random(const std::string& salt) {
    return "(SELECT string_agg(md5(random()::text || " + salt +
           " || g), '') FROM generate_series(1, 100) g)";
  }
  // One value of the sink, by SQL both DuckDB and PostgreSQL run.
  std::string Landed(const std::string& sql) {
    if (GetParam() == "postgresql") return pg_.Scalar(sql, sink_db_);
    return Bronze(sql).at(0);
  }
  // The history of `table` as op:id:title:md5(body), in commit order.
  std::string History(const std::string& table) {
    return Landed(
        "SELECT string_agg(_op || ':' || id || ':' || title || ':' || coalesce(md5(body), 'NULL'), "
        "' ' ORDER BY _commit_lsn, _seq, id) FROM bronze." +
        table);
  }
  // The task's stored state, as the sink holds it.
  std::string State(const Task& task) {
    return Landed("SELECT state FROM _tributary.state WHERE task_id = '" + task.id() + "'");
  }
  std::string Md5(const std::string& table, int id) {
    return Scalar("SELECT md5(body) FROM " + table + " WHERE id = " + std::to_string(id));
  }

  // Lands `table` and checks its history: across runs (filled from the
  // sink), within a run (from an earlier change of the key, also when the
  // sink holds an older value), and from an earlier commit of the same run.
  void Scenario(const std::string& table, bool current);

  std::string sink_db_;
};

void CdcToastTest::Scenario(const std::string& table, bool current) {
  CreateDocs(table);
  Task task = CdcTask(table, current);
  auto line = [&](const std::string& op, int id, const std::string& title) {
    return op + ":" + std::to_string(id) + ":" + title + ":" + Md5(table, id);
  };
  RunOk(task);
  std::string expected =
      line("snapshot", 1, "a") + " " + line("snapshot", 2, "a") + " " + line("snapshot", 3, "a");
  EXPECT_EQ(History(task.sink_table), expected);

  Exec("UPDATE " + table + " SET title = 'b' WHERE id = 1");
  RunOk(task);
  expected += " " + line("update", 1, "b");

  Exec("INSERT INTO " + table + " VALUES (4, 'a', " + Random("4") + ")");
  Exec("UPDATE " + table + " SET title = 'b' WHERE id = 4");
  Exec("UPDATE " + table + " SET body = " + Random("'x'") + " WHERE id = 3");
  Exec("UPDATE " + table + " SET title = 'b' WHERE id = 3");
  Exec("UPDATE " + table + " SET title = 'b' WHERE id = 2");
  RunOk(task);
  std::string md5_4 = Md5(table, 4), md5_3 = Md5(table, 3);
  expected += " insert:4:a:" + md5_4 + " update:4:b:" + md5_4 + " update:3:a:" + md5_3 +
              " update:3:b:" + md5_3 + " " + line("update", 2, "b");
  EXPECT_EQ(History(task.sink_table), expected);

  task.options.commit_every = 1;
  BatchLimits limits = limits_;
  limits_ = BatchLimits{1, 1 << 20};
  Exec("UPDATE " + table + " SET body = " + Random("'y'") + " WHERE id = 1");
  Exec("UPDATE " + table + " SET title = 'c' WHERE id = 1");
  Exec("UPDATE " + table + " SET id = 20 WHERE id = 2");  // a new key: the old key's value
  RunOk(task);
  limits_ = limits;
  std::string md5_1 = Md5(table, 1);
  // (The `before` row of the key change carries only the key: left out here.)
  expected += " update:1:b:" + md5_1 + " update:1:c:" + md5_1 + " " + line("update", 20, "b");
  EXPECT_EQ(History(task.sink_table), expected);
  EXPECT_EQ(Landed("SELECT count(*) FROM bronze." + task.sink_table +
                   " WHERE body IS NULL AND _op IN ('insert', 'update', 'snapshot')"),
            "0")
      << "never NULL for an unchanged value";
  if (current) {
    std::string rows = "SELECT string_agg(id || ':' || title || ':' || md5(body), ' ' ORDER BY id)";
    EXPECT_EQ(Landed(rows + " FROM bronze." + task.sink_table + "_current"),
              Scalar(rows + " FROM " + table));
  }
}

TEST_P(CdcToastTest, UnchangedValuesAreFilledFromTheHistory) { Scenario("notes", false); }

TEST_P(CdcToastTest, UnchangedValuesAreFilledFromTheCurrentTable) { Scenario("pages", true); }

TEST_P(CdcToastTest, AValueFoundNowhereStopsTheRunInsteadOfLandingNull) {
  Task task = CdcTask("docs");
  RunOk(task);
  std::string state = State(task);
  // The key's rows are gone from the history (cut by hand), so the value
  // the next update leaves out is nowhere.
  std::string cut = "DELETE FROM bronze.pg__docs WHERE id = 2";
  if (GetParam() == "postgresql") {
    pg_.Exec(cut, sink_db_);
  } else {
    duckdb_database db = nullptr;
    duckdb_connection conn = nullptr;
    ASSERT_EQ(duckdb_open((dir_.path() / "lake.duckdb").c_str(), &db), DuckDBSuccess);
    duckdb_connect(db, &conn);
    EXPECT_EQ(duckdb_query(conn, cut.c_str(), nullptr), DuckDBSuccess);
    duckdb_disconnect(&conn);
    duckdb_close(&db);
  }
  Exec("UPDATE docs SET title = 'b' WHERE id = 2");
  TaskResult r = RunOne(task);
  EXPECT_EQ(r.status, "failed");
  EXPECT_THAT(r.error, HasSubstr("column 'body'"));
  EXPECT_THAT(r.error, HasSubstr("key (id=2)"));
  EXPECT_THAT(r.error, HasSubstr("REPLICA IDENTITY FULL"));
  EXPECT_THAT(r.error, HasSubstr("tributary backfill --tables pg__docs"));
  EXPECT_EQ(State(task), state) << "nothing committed";
  EXPECT_EQ(Landed("SELECT count(*) FROM bronze.pg__docs WHERE body IS NULL"), "0");
}

INSTANTIATE_TEST_SUITE_P(Sinks, CdcToastTest, ::testing::Values("duckdb", "postgresql"),
                         [](const auto& kind) { return std::string(kind.param); });

}  // namespace
}  // namespace tributary::testing
