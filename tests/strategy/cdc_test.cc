// The cdc strategy end to end on a real PostgreSQL (logical decoding,
// pgoutput) into DuckDB: snapshot handoff, history layout, current state,
// TOAST, truncate, schema change, refusals and gaps.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/fault_point.h"
#include "support/cdc_fixture.h"

namespace tributary::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class CdcTest : public CdcFixture {
 protected:
  void CreateAccounts() {
    Exec(
        "CREATE TABLE accounts (id int PRIMARY KEY, name text, balance numeric(12,2));"
        "ALTER TABLE accounts REPLICA IDENTITY FULL;"
        "INSERT INTO accounts VALUES (1, 'ann', 10), (2, 'bob', 20), (3, 'cy', 30)");
  }
  std::vector<std::string> History(const std::string& table = "pg__accounts") {
    return Bronze(
        "SELECT _op || ':' || coalesce(id::text, '-') || ':' || coalesce(name, '-') "
        "FROM bronze." +
        table + " ORDER BY _commit_lsn, _seq, id");
  }
};

TEST_F(CdcTest, SnapshotThenChangesInCommitOrder) {
  CreateAccounts();
  Task task = CdcTask("accounts", true);
  RunOk(task);
  EXPECT_THAT(History(), ElementsAre("snapshot:1:ann", "snapshot:2:bob", "snapshot:3:cy"));
  std::string first = StoredPosition(task);
  EXPECT_EQ(SlotConfirmed(task), Scalar("SELECT '" + first + "'::pg_lsn::text"));

  Exec("INSERT INTO accounts VALUES (4, 'dee', 40)");
  Exec("UPDATE accounts SET name = 'bobby' WHERE id = 2");
  Exec("DELETE FROM accounts WHERE id = 3");
  RunOk(task);
  EXPECT_THAT(History(),
              ElementsAre("snapshot:1:ann", "snapshot:2:bob", "snapshot:3:cy", "insert:4:dee",
                          "before:2:bob", "update:2:bobby", "delete:3:cy"));
  EXPECT_THAT(Bronze("SELECT id || ':' || name || ':' || balance FROM bronze.pg__accounts_current "
                     "ORDER BY id"),
              ElementsAre("1:ann:10.00", "2:bobby:20.00", "4:dee:40.00"));
  // Three transactions: _seq counts within each, _xid and time are set.
  EXPECT_THAT(
      Bronze("SELECT _seq || ':' || (_xid IS NOT NULL) || ':' || (_commit_time IS NOT NULL) "
             "FROM bronze.pg__accounts WHERE _op <> 'snapshot' ORDER BY _commit_lsn, _seq"),
      ElementsAre("1:true:true", "1:true:true", "2:true:true", "1:true:true"));
  std::string second = StoredPosition(task);
  EXPECT_TRUE(LsnBefore(first, second));
  EXPECT_EQ(SlotConfirmed(task), Scalar("SELECT '" + second + "'::pg_lsn::text"));
}

TEST_F(CdcTest, HistoryAndCurrentRowsNameTheRunThatLandedThem) {
  CreateAccounts();
  Task task = CdcTask("accounts", true);
  RunOk(task);
  Exec("UPDATE accounts SET name = 'bobby' WHERE id = 2");
  RunOk(task);
  auto first = Bronze("SELECT DISTINCT _run_id FROM bronze.pg__accounts WHERE _op = 'snapshot'");
  auto second = Bronze("SELECT DISTINCT _run_id FROM bronze.pg__accounts WHERE _op <> 'snapshot'");
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_NE(first[0], second[0]);
  std::vector<std::string> runs = {first[0], second[0]};
  EXPECT_EQ(Bronze("SELECT count(*) FROM _tributary.runs WHERE run_id IN ('" + runs[0] + "', '" +
                   runs[1] + "')")[0],
            "2");
  EXPECT_THAT(Bronze("SELECT _op || ':' || id || ':' || _run_id FROM bronze.pg__accounts "
                     "ORDER BY _commit_lsn, _seq, id"),
              ElementsAre("snapshot:1:" + runs[0], "snapshot:2:" + runs[0], "snapshot:3:" + runs[0],
                          "before:2:" + runs[1], "update:2:" + runs[1]));
  EXPECT_THAT(Bronze("SELECT id || ':' || _run_id FROM bronze.pg__accounts_current ORDER BY id"),
              ElementsAre("1:" + runs[0], "2:" + runs[1], "3:" + runs[0]));
  // After the table's columns, as on every bronze table.
  EXPECT_THAT(Bronze("SELECT column_name FROM information_schema.columns WHERE table_name = "
                     "'pg__accounts_current' ORDER BY ordinal_position"),
              ElementsAre("id", "name", "balance", "_commit_lsn", "_commit_time", "_ingested_at",
                          "_run_id"));
}

TEST_F(CdcTest, IdleRunsAdvanceTheSlot) {
  CreateAccounts();
  Task task = CdcTask("accounts");
  RunOk(task);
  std::string before = SlotConfirmed(task);
  // WAL written elsewhere (another table, not published) moves the server on.
  Exec("CREATE TABLE other (x int); INSERT INTO other SELECT generate_series(1, 1000)");
  RunOk(task);
  EXPECT_EQ(History().size(), 3u);
  EXPECT_TRUE(LsnBefore(before, SlotConfirmed(task)));
  EXPECT_EQ(SlotConfirmed(task), Scalar("SELECT '" + StoredPosition(task) + "'::pg_lsn::text"));
}

TEST_F(CdcTest, RefusesATableWithoutReplicaIdentityBeforeTouchingTheSource) {
  Exec("CREATE TABLE nokey (a int, b int); INSERT INTO nokey VALUES (1, 1)");
  TaskResult r = RunOne(CdcTask("nokey"));
  EXPECT_EQ(r.status, "failed");
  EXPECT_THAT(r.error, HasSubstr("no replica identity"));
  EXPECT_THAT(r.error, HasSubstr("REPLICA IDENTITY FULL"));
  EXPECT_EQ(Scalar("SELECT count(*) FROM pg_publication"), "0");
  EXPECT_EQ(Scalar("SELECT count(*) FROM pg_replication_slots WHERE database = current_database()"),
            "0");
  Exec("UPDATE nokey SET b = 2");  // the source's writes still work
}

// Without FULL, unchanged large values are filled by primary key, for text
// and json (cdc_toast_test.cc); other out-of-line types, or no primary key
// to fill by, still need FULL.
TEST_F(CdcTest, RefusesOutOfLineColumnsItCannotFillWithoutFullIdentity) {
  Exec("CREATE TABLE blobs (id int PRIMARY KEY, note text, data bytea)");
  TaskResult r = RunOne(CdcTask("blobs"));
  EXPECT_EQ(r.status, "failed");
  EXPECT_THAT(r.error, HasSubstr("only for text and json columns, and data are not"));
  EXPECT_THAT(r.error, HasSubstr("ALTER TABLE \"public\".\"blobs\" REPLICA IDENTITY FULL"));
  Exec(
      "CREATE TABLE codes (code int NOT NULL UNIQUE, body text);"
      "ALTER TABLE codes REPLICA IDENTITY USING INDEX codes_code_key");
  r = RunOne(CdcTask("codes"));
  EXPECT_EQ(r.status, "failed");
  EXPECT_THAT(r.error, HasSubstr("the table has no primary key"));
}

TEST_F(CdcTest, DefaultIdentityWorksForFixedWidthColumns) {
  Exec("CREATE TABLE counters (id int PRIMARY KEY, n bigint); INSERT INTO counters VALUES (1, 1)");
  Task task = CdcTask("counters", true);
  RunOk(task);
  Exec("UPDATE counters SET n = 2; UPDATE counters SET id = 5; DELETE FROM counters");
  RunOk(task);
  // Without FULL only a key change sends the old key; a delete sends the key.
  EXPECT_THAT(Bronze("SELECT _op || ':' || id || ':' || coalesce(n::text, '-') FROM "
                     "bronze.pg__counters ORDER BY _commit_lsn, _seq"),
              ElementsAre("snapshot:1:1", "update:1:2", "before:1:-", "update:5:2", "delete:5:-"));
  EXPECT_EQ(Bronze("SELECT count(*) FROM bronze.pg__counters_current")[0], "0");
}

TEST_F(CdcTest, UnchangedToastedValueIsNeverNull) {
  Exec(
      "CREATE TABLE docs (id int PRIMARY KEY, title text, body text);"
      "ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL;"
      "ALTER TABLE docs REPLICA IDENTITY FULL;"
      "INSERT INTO docs VALUES (1, 'a', repeat('0123456789', 20000))");
  Task task = CdcTask("docs", true);
  RunOk(task);
  Exec("UPDATE docs SET title = 'b' WHERE id = 1");  // body is not sent: 'u'
  RunOk(task);
  std::string md5 = Scalar("SELECT md5(body) FROM docs");
  EXPECT_THAT(Bronze("SELECT _op || ':' || title || ':' || md5(body) FROM bronze.pg__docs "
                     "ORDER BY _commit_lsn, _seq"),
              ElementsAre("snapshot:a:" + md5, "before:a:" + md5, "update:b:" + md5));
  EXPECT_EQ(Bronze("SELECT md5(body) FROM bronze.pg__docs_current")[0], md5);
}

TEST_F(CdcTest, RowsDeletedAtTheSourceStayInTheHistory) {
  CreateAccounts();
  Task task = CdcTask("accounts", true);
  RunOk(task);
  Exec("INSERT INTO accounts VALUES (4, 'dee', 40)");
  RunOk(task);
  Exec("DELETE FROM accounts");  // the source purges everything
  RunOk(task);
  EXPECT_EQ(
      Bronze("SELECT count(*) FROM bronze.pg__accounts WHERE _op IN ('snapshot', 'insert')")[0],
      "4");
  EXPECT_EQ(Bronze("SELECT count(*) FROM bronze.pg__accounts WHERE _op = 'delete'")[0], "4");
  EXPECT_EQ(Bronze("SELECT count(*) FROM bronze.pg__accounts_current")[0], "0");
}

TEST_F(CdcTest, AbortedTransactionsNeverLandAndLargeOnesLandOnce) {
  CreateAccounts();
  Task task = CdcTask("accounts");
  limits_ = BatchLimits{1000, 1 << 20};
  RunOk(task);
  Exec("BEGIN; INSERT INTO accounts SELECT i, 'x', 0 FROM generate_series(100, 199) i; ROLLBACK");
  Exec("INSERT INTO accounts SELECT i, 'big', i FROM generate_series(1000, 60999) i");
  RunOk(task);
  EXPECT_EQ(Bronze("SELECT count(*) FROM bronze.pg__accounts WHERE id BETWEEN 100 AND 199")[0],
            "0");
  EXPECT_EQ(Bronze("SELECT count(*) || ':' || count(DISTINCT id) || ':' || min(_seq) || ':' || "
                   "max(_seq) FROM bronze.pg__accounts WHERE _op = 'insert'")[0],
            "60000:60000:1:60000");
}

TEST_F(CdcTest, TruncateEmptiesTheCurrentTableAndStaysInTheHistory) {
  CreateAccounts();
  Task task = CdcTask("accounts", true);
  RunOk(task);
  Exec(
      "INSERT INTO accounts VALUES (4, 'dee', 40);"
      "BEGIN; INSERT INTO accounts VALUES (5, 'eve', 50); TRUNCATE accounts;"
      "INSERT INTO accounts VALUES (6, 'fay', 60); COMMIT;"
      "INSERT INTO accounts VALUES (7, 'gus', 70)");
  RunOk(task);
  EXPECT_THAT(History(),
              ElementsAre("snapshot:1:ann", "snapshot:2:bob", "snapshot:3:cy", "insert:4:dee",
                          "insert:5:eve", "truncate:-:-", "insert:6:fay", "insert:7:gus"));
  EXPECT_THAT(Bronze("SELECT id FROM bronze.pg__accounts_current ORDER BY id"),
              ElementsAre("6", "7"));
}

TEST_F(CdcTest, AnAddedColumnJoinsTheHistory) {
  CreateAccounts();
  Task task = CdcTask("accounts", true);
  RunOk(task);
  Exec(
      "INSERT INTO accounts VALUES (4, 'dee', 40);"
      "ALTER TABLE accounts ADD COLUMN email text;"
      "INSERT INTO accounts VALUES (5, 'eve', 50, 'eve@example.com')");
  RunOk(task);
  EXPECT_THAT(Bronze("SELECT id || ':' || coalesce(email, '-') FROM bronze.pg__accounts "
                     "ORDER BY _commit_lsn, _seq, id"),
              ElementsAre("1:-", "2:-", "3:-", "4:-", "5:eve@example.com"));
  EXPECT_THAT(Bronze("SELECT id || ':' || coalesce(email, '-') FROM bronze.pg__accounts_current "
                     "ORDER BY id"),
              ElementsAre("1:-", "2:-", "3:-", "4:-", "5:eve@example.com"));
}

// Counts commits of a backlog through the fault point that follows each.
std::atomic<int> commits{0};

TEST_F(CdcTest, ABacklogLandsInSeveralCommits) {
  CreateAccounts();
  Task task = CdcTask("accounts", true);
  task.options.commit_every = 1000;
  limits_ = BatchLimits{400, 1 << 20};
  RunOk(task);
  for (int t = 0; t < 50; ++t) {
    Exec("INSERT INTO accounts SELECT i, 'n', 0 FROM generate_series(" +
         std::to_string(100 + t * 100) + ", " + std::to_string(199 + t * 100) + ") i");
  }
  commits = 0;
  SetFaultHandler([](std::string_view point) {
    if (point == "cdc.after_commit") ++commits;
  });
  RunOk(task);
  SetFaultHandler(nullptr);
  EXPECT_GE(commits.load(), 4);
  EXPECT_EQ(Bronze("SELECT count(*) FROM bronze.pg__accounts WHERE _op = 'insert'")[0], "5000");
  EXPECT_EQ(Bronze("SELECT count(*) FROM bronze.pg__accounts_current")[0], "5003");
}

TEST_F(CdcTest, ADroppedSlotIsAGapNotASkip) {
  CreateAccounts();
  Task task = CdcTask("accounts");
  RunOk(task);
  std::string position = StoredPosition(task);
  Exec("SELECT pg_drop_replication_slot('" + SlotName(task) + "')");
  Exec("INSERT INTO accounts VALUES (4, 'dee', 40)");
  TaskResult r = RunOne(task);
  EXPECT_EQ(r.status, "failed");
  EXPECT_THAT(r.error, HasSubstr("GAP"));
  EXPECT_THAT(r.error, HasSubstr("does not exist"));
  EXPECT_EQ(StoredPosition(task), position);
  EXPECT_EQ(History().size(), 3u);
}

TEST_F(CdcTest, ABackfillAfterAGapSnapshotsAgainAndKeepsTheHistory) {
  CreateAccounts();
  Task task = CdcTask("accounts", true);
  RunOk(task);
  Exec("DELETE FROM accounts WHERE id = 1");
  RunOk(task);
  Exec("SELECT pg_drop_replication_slot('" + SlotName(task) + "')");
  Exec("INSERT INTO accounts VALUES (4, 'dee', 40)");  // never decoded: in the gap
  ASSERT_EQ(RunOne(task).status, "failed");
  std::string before = StoredPosition(task);

  TaskResult r = Backfill(task);
  ASSERT_EQ(r.status, "succeeded") << r.error;
  EXPECT_TRUE(LsnBefore(before, StoredPosition(task)));
  Exec("UPDATE accounts SET name = 'cyd' WHERE id = 3");
  RunOk(task);
  // The first snapshot and the delete stay; the new snapshot has the row of
  // the gap; capture continues after it.
  EXPECT_THAT(History(), ElementsAre("snapshot:1:ann", "snapshot:2:bob", "snapshot:3:cy",
                                     "delete:1:ann", "snapshot:2:bob", "snapshot:3:cy",
                                     "snapshot:4:dee", "before:3:cy", "update:3:cyd"));
  EXPECT_THAT(Bronze("SELECT id || ':' || name FROM bronze.pg__accounts_current ORDER BY id"),
              ElementsAre("2:bob", "3:cyd", "4:dee"));
}

TEST_F(CdcTest, AnInvalidatedSlotIsAGap) {
  CreateAccounts();
  Task task = CdcTask("accounts");
  RunOk(task);
  Exec("ALTER SYSTEM SET max_slot_wal_keep_size = '1MB'");
  Exec("SELECT pg_reload_conf()");
  for (int i = 0; i < 4; ++i) {
    Exec("INSERT INTO accounts SELECT g, 'x', 0 FROM generate_series(" +
         std::to_string(10 + i * 100) + ", " + std::to_string(99 + i * 100) +
         ") g; SELECT pg_switch_wal()");
  }
  Exec("CHECKPOINT");
  Exec("ALTER SYSTEM RESET max_slot_wal_keep_size");
  Exec("SELECT pg_reload_conf()");
  ASSERT_EQ(Scalar("SELECT wal_status FROM pg_replication_slots WHERE slot_name = '" +
                   SlotName(task) + "'"),
            "lost");
  TaskResult r = RunOne(task);
  EXPECT_EQ(r.status, "failed");
  EXPECT_THAT(r.error, HasSubstr("GAP"));
  EXPECT_THAT(r.error, HasSubstr("invalidated"));
}

TEST_F(CdcTest, ASlotAdvancedPastTheStoredPositionIsAGap) {
  CreateAccounts();
  Task task = CdcTask("accounts");
  RunOk(task);
  Exec("INSERT INTO accounts VALUES (4, 'dee', 40)");
  Exec("SELECT pg_replication_slot_advance('" + SlotName(task) + "', pg_current_wal_lsn())");
  TaskResult r = RunOne(task);
  EXPECT_EQ(r.status, "failed");
  EXPECT_THAT(r.error, HasSubstr("advanced"));
}

}  // namespace
}  // namespace tributary::testing
