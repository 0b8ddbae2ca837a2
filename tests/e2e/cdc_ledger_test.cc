// The ledger proof: concurrent writers (inserts, updates, deletes, large and
// aborted transactions, TOASTed values) while `cdc` runs — also while it is
// killed (SIGKILL) at every step of a batch — and after every run the
// invariants hold: every committed change landed exactly once and in order,
// replaying the history reproduces the source table, positions never go
// back. A trigger at the source records every committed change (the audit
// table, not captured) as the truth to compare with.
//
// TRIBUTARY_CDC_SOAK=N repeats the crash matrix N times (default 1).
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "common/fault_point.h"
#include "engine/connectors.h"
#include "support/cdc_fixture.h"

namespace tributary::testing {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE ledger (id int PRIMARY KEY, amount bigint NOT NULL, note text);
ALTER TABLE ledger REPLICA IDENTITY FULL;
ALTER TABLE ledger ALTER COLUMN note SET STORAGE EXTERNAL;
CREATE TABLE audit (serial bigserial PRIMARY KEY, xid bigint, op text, id int, amount bigint,
                    note_md5 text, lsn pg_lsn DEFAULT pg_current_wal_insert_lsn());
CREATE FUNCTION audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO audit (xid, op, id, amount, note_md5)
    VALUES (txid_current() % 4294967296, 'delete', OLD.id, OLD.amount, md5(OLD.note));
  ELSE
    INSERT INTO audit (xid, op, id, amount, note_md5)
    VALUES (txid_current() % 4294967296, lower(TG_OP), NEW.id, NEW.amount, md5(NEW.note));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER audit_ledger AFTER INSERT OR UPDATE OR DELETE ON ledger
  FOR EACH ROW EXECUTE FUNCTION audit_change();
INSERT INTO ledger SELECT i, i * 10, 'n' || i FROM generate_series(1, 500) i;
)sql";

// One writer: random transactions until stopped.
void Write(const std::string& conninfo, std::atomic<bool>& stop, unsigned seed) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  std::mt19937 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  int next_id = 100000 * static_cast<int>(seed);
  while (!stop.load()) {
    std::string sql = "BEGIN;";
    int statements = 1 + pick(4);
    for (int s = 0; s < statements; ++s) {
      int id = 1 + pick(600);
      switch (pick(6)) {
        case 0:
          sql += "INSERT INTO ledger VALUES (" + std::to_string(++next_id) + ", 1, 'new');";
          break;
        case 1:
          sql += "DELETE FROM ledger WHERE id = " + std::to_string(id) + ";";
          break;
        case 2:  // a value stored out of line, then updates that leave it unchanged
          sql += "UPDATE ledger SET note = repeat(md5(random()::text), 400) WHERE id = " +
                 std::to_string(id) + ";";
          break;
        default:
          sql += "UPDATE ledger SET amount = amount + 1 WHERE id = " + std::to_string(id) + ";";
      }
    }
    if (pick(40) == 0) {  // a large transaction
      sql +=
          "UPDATE ledger SET amount = amount + 1 WHERE id % 3 = " + std::to_string(pick(3)) + ";";
    }
    sql += pick(10) == 0 ? "ROLLBACK" : "COMMIT";
    PQclear(PQexec(conn, sql.c_str()));
    // A deadlock or conflict leaves the transaction aborted: end it.
    if (PQtransactionStatus(conn) != PQTRANS_IDLE) PQclear(PQexec(conn, "ROLLBACK"));
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  PQfinish(conn);
}

class Writers {
 public:
  Writers(const std::string& conninfo, int count) {
    for (int i = 0; i < count; ++i) {
      threads_.emplace_back([this, conninfo, i] { Write(conninfo, stop_, 1 + i); });
    }
  }
  ~Writers() { Stop(); }
  void Stop() {
    stop_ = true;
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

 private:
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

struct Row {
  int64_t amount = 0;
  std::string md5;
  bool operator==(const Row&) const = default;
};

class CdcLedgerTest : public CdcFixture {
 protected:
  // `full`: REPLICA IDENTITY FULL; without it, unchanged notes are filled
  // by tributary and deletes carry only the key.
  explicit CdcLedgerTest(bool full = true) : full_(full) {
    Exec(kSchema);
    if (!full) Exec("ALTER TABLE ledger REPLICA IDENTITY DEFAULT");
    task_ = CdcTask("ledger", true);
    task_.options.commit_every = 1000;
    limits_ = BatchLimits{300, 1 << 20};
  }

  std::string Conninfo() { return pg_.ConnectionString(database_); }

  // Runs the task in a child process that dies at the `hit`-th pass of
  // fault point `point` (or finishes); returns true when it was killed.
  bool RunChildKilledAt(const std::string& point, int hit) {
    pid_t pid = fork();
    if (pid == 0) {
      setenv("TRIBUTARY_CDC_CHILD_PORT", std::to_string(pg_.port()).c_str(), 1);
      setenv("TRIBUTARY_CDC_CHILD_DB", database_.c_str(), 1);
      setenv("TRIBUTARY_CDC_CHILD_DIR", dir_.path().c_str(), 1);
      setenv("TRIBUTARY_CDC_CHILD_POINT", point.c_str(), 1);
      setenv("TRIBUTARY_CDC_CHILD_HIT", std::to_string(hit).c_str(), 1);
      int null = open("/dev/null", O_WRONLY);
      dup2(null, 1);
      dup2(null, 2);
      execl("/proc/self/exe", "tributary_tests", "--gtest_filter=CdcCrashChild.Run", nullptr);
      _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  }

  // Checks every invariant against the source and the audit trail.
  void CheckInvariants() {
    std::string position = StoredPosition(task_);
    if (!last_position_.empty()) {
      EXPECT_FALSE(LsnBefore(position, last_position_)) << "position moved back";
    }
    last_position_ = position;
    // No change twice.
    EXPECT_EQ(Bronze("SELECT count(*) FROM (SELECT _commit_lsn, _seq FROM bronze.pg__ledger "
                     "WHERE _op <> 'snapshot' GROUP BY ALL HAVING count(*) > 1)")[0],
              "0");
    CheckAgainstAudit();
    CheckReplay();
  }

  // Every transaction in the history matches the audit exactly, in order;
  // every audited transaction that wrote after the latest snapshot's
  // position (so committed after it) is in the history.
  void CheckAgainstAudit() {
    // Without FULL a delete carries only the key: compare deletes by key.
    std::string deleted = full_ ? "false" : "_op = 'delete'";
    auto history = Bronze(
        "SELECT CASE WHEN " + deleted +
        " THEN _xid || ' delete ' || id ELSE _xid || ' ' || _op || ' ' || id || ' ' || amount || "
        "' ' || coalesce(md5(note), '-') END FROM bronze.pg__ledger WHERE _op IN ('insert', "
        "'update', 'delete') ORDER BY _commit_lsn, _seq");
    std::map<std::string, std::vector<std::string>> by_xid;
    for (const auto& h : history) by_xid[h.substr(0, h.find(' '))].push_back(h);
    PGconn* conn = PQconnectdb(Conninfo().c_str());
    std::string snapshot =
        Bronze("SELECT max(_commit_lsn) FROM bronze.pg__ledger WHERE _op = 'snapshot'")[0];
    PGresult* audit =
        PQexec(conn, ("SELECT CASE WHEN " + std::string(full_ ? "false" : "op = 'delete'") +
                      " THEN xid || ' delete ' || id ELSE xid || ' ' || op || ' ' || id || ' ' || "
                      "amount || ' ' || coalesce(note_md5, '-') END, xid, lsn >= '" +
                      snapshot +
                      "'::pg_lsn FROM audit "
                      "ORDER BY serial")
                         .c_str());
    std::map<std::string, std::vector<std::string>> audited;
    std::map<std::string, bool> after_snapshot;
    for (int r = 0; r < PQntuples(audit); ++r) {
      audited[PQgetvalue(audit, r, 1)].push_back(PQgetvalue(audit, r, 0));
      after_snapshot[PQgetvalue(audit, r, 1)] |= PQgetvalue(audit, r, 2)[0] == 't';
    }
    PQclear(audit);
    PQfinish(conn);
    for (const auto& [xid, rows] : by_xid) {
      ASSERT_TRUE(audited.count(xid)) << "history has a transaction the source never committed";
      EXPECT_EQ(rows, audited[xid]) << "transaction " << xid;
    }
    for (const auto& [xid, rows] : audited) {
      if (after_snapshot[xid]) {
        EXPECT_TRUE(by_xid.count(xid)) << "committed transaction " << xid << " is missing";
      }
    }
  }

  // Applying the history in order gives the source table, and the current
  // table equals both.
  void CheckReplay() {
    auto history = Bronze(
        "SELECT _op || ' ' || _commit_lsn || ' ' || coalesce(id::text, '-') || ' ' || "
        "coalesce(amount::text, '-') || ' ' || coalesce(md5(note), '-') FROM bronze.pg__ledger "
        "ORDER BY _commit_lsn, _seq");
    std::map<int, Row> table;
    std::string snapshot_at;
    for (const auto& line : history) {
      std::istringstream in(line);
      std::string op, lsn, id, amount, md5;
      in >> op >> lsn >> id >> amount >> md5;
      if (op == "snapshot" && lsn != snapshot_at) table.clear(), snapshot_at = lsn;
      if (op == "truncate") table.clear();
      if (op == "delete" || op == "before") table.erase(std::stoi(id));
      if (op == "snapshot" || op == "insert" || op == "update") {
        table[std::stoi(id)] = Row{std::stoll(amount), md5};
      }
    }
    std::map<int, Row> source = Read("SELECT id, amount, coalesce(md5(note), '-') FROM ledger");
    EXPECT_TRUE(table == source) << "replay: " << table.size() << " rows, source " << source.size();
    auto current = Bronze(
        "SELECT id || ' ' || amount || ' ' || coalesce(md5(note), '-') FROM "
        "bronze.pg__ledger_current");
    std::map<int, Row> current_rows;
    for (const auto& line : current) {
      std::istringstream in(line);
      int id;
      Row r;
      in >> id >> r.amount >> r.md5;
      current_rows[id] = r;
    }
    EXPECT_TRUE(current_rows == source) << "current table differs from the source";
  }

  std::map<int, Row> Read(const std::string& sql) {
    PGconn* conn = PQconnectdb(Conninfo().c_str());
    PGresult* r = PQexec(conn, sql.c_str());
    std::map<int, Row> rows;
    for (int i = 0; i < PQntuples(r); ++i) {
      rows[std::stoi(PQgetvalue(r, i, 0))] =
          Row{std::stoll(PQgetvalue(r, i, 1)), PQgetvalue(r, i, 2)};
    }
    PQclear(r);
    PQfinish(conn);
    return rows;
  }

  int64_t AuditHead() { return std::stoll(Scalar("SELECT coalesce(max(serial), 0) FROM audit")); }

  // Forgets the stored position, so the next run takes a fresh snapshot (what
  // a backfill does).
  void ForgetState() {
    duckdb_database db = nullptr;
    duckdb_connection conn = nullptr;
    ASSERT_EQ(duckdb_open((dir_ / "lake.duckdb").c_str(), &db), DuckDBSuccess);
    duckdb_connect(db, &conn);
    std::string sql = "DELETE FROM _tributary.state WHERE task_id = '" + task_.id() + "'";
    EXPECT_EQ(duckdb_query(conn, sql.c_str(), nullptr), DuckDBSuccess);
    duckdb_disconnect(&conn);
    duckdb_close(&db);
  }

  // Runs under concurrent writers, then checks every invariant.
  void UnderConcurrentWrites() {
    {
      Writers writers(Conninfo(), 3);  // the initial snapshot runs while they write
      RunOk(task_);
      for (int run = 0; run < 3; ++run) {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        RunOk(task_);
      }
    }
    RunOk(task_);  // drains everything committed before it started
    CheckInvariants();
    EXPECT_GT(AuditHead(), 100);
  }

  // Kills runs at every step of a batch under concurrent writers; checks
  // every invariant after each rerun.
  void SigkillAtEveryStep() {
    const char* soak = std::getenv("TRIBUTARY_CDC_SOAK");
    int rounds = soak != nullptr ? std::max(1, std::atoi(soak)) : 1;
    std::mt19937 rng(42);
    const std::vector<std::pair<std::string, int>> points = {
        {"cdc.snapshot_written", 1}, {"pg_cdc.change", 400}, {"cdc.after_write", 6},
        {"cdc.after_commit", 3},     {"cdc.after_ack", 3},   {"cdc.snapshot_committed", 1}};
    RunOk(task_);
    int killed = 0;
    for (int round = 0; round < rounds; ++round) {
      for (const auto& [point, range] : points) {
        int hit = 1 + static_cast<int>(rng() % static_cast<unsigned>(range));
        if (point.rfind("cdc.snapshot", 0) == 0) ForgetState();
        {
          Writers writers(Conninfo(), 2);
          std::this_thread::sleep_for(std::chrono::milliseconds(200));
          killed += RunChildKilledAt(point, hit) ? 1 : 0;
        }
        RunOk(task_);
        CheckInvariants();
        if (::testing::Test::HasFailure()) return;
      }
    }
    EXPECT_GE(killed, 3) << "too few runs died where they were meant to";
  }

  Task task_;
  std::string last_position_;
  bool full_;
};

// The same proof with REPLICA IDENTITY DEFAULT: every note an update left
// unchanged (not sent by the source) is filled with the right value, never
// NULL (CheckAgainstAudit compares each row's md5 with the audit).
class CdcLedgerDefaultIdentityTest : public CdcLedgerTest {
 protected:
  CdcLedgerDefaultIdentityTest() : CdcLedgerTest(false) {}
};

TEST_F(CdcLedgerTest, InvariantsHoldAfterEveryRunUnderConcurrentWrites) { UnderConcurrentWrites(); }

TEST_F(CdcLedgerTest, InvariantsHoldAfterSigkillAtEveryStep) { SigkillAtEveryStep(); }

TEST_F(CdcLedgerDefaultIdentityTest, InvariantsHoldAfterEveryRunUnderConcurrentWrites) {
  UnderConcurrentWrites();
}

TEST_F(CdcLedgerDefaultIdentityTest, InvariantsHoldAfterSigkillAtEveryStep) {
  SigkillAtEveryStep();
}

// The child of the crash test: one run of the ledger task, dying at the
// configured fault point.
TEST(CdcCrashChild, Run) {
  const char* port = std::getenv("TRIBUTARY_CDC_CHILD_PORT");
  if (port == nullptr) GTEST_SKIP() << "only runs as the child of a crash test";
  static std::string point = std::getenv("TRIBUTARY_CDC_CHILD_POINT");
  static std::atomic<int> left = std::atoi(std::getenv("TRIBUTARY_CDC_CHILD_HIT"));
  SetFaultHandler([](std::string_view p) {
    if (p == point && --left == 0) raise(SIGKILL);
  });
  Project project;
  project.name = std::getenv("TRIBUTARY_CDC_CHILD_DB");  // as CdcFixture names it
  project.dir = std::getenv("TRIBUTARY_CDC_CHILD_DIR");
  project.sink.path = "lake.duckdb";
  project.servers = {ServerConfig{
      "pg", "postgresql", {{"host", "127.0.0.1"}, {"port", port}, {"user", "tributary"}}, {}}};
  Task task;
  task.strategy = "cdc";
  task.server = "pg";
  task.database = std::getenv("TRIBUTARY_CDC_CHILD_DB");
  task.source_schema = "public";
  task.source_table = "ledger";
  task.sink_table = "pg__ledger";
  task.options.current = true;
  task.options.commit_every = 1000;
  auto sink = OpenSink(project);
  RunOptions options;
  options.limits = BatchLimits{300, 1 << 20};
  RunObserver quiet;
  SystemClock clock;
  RunTasks(project, {task}, *sink, clock, options, quiet);
}

}  // namespace
}  // namespace tributary::testing
