// SQL Server CDC as the contract suite needs it, on the scripted server of
// source/sqlserver/sqlserver_cdc_script.h: a SQLite file plays the database.
// Triggers on the captured table write each change to a change table, with a
// commit LSN per transaction and a sequence value per row, as the capture
// job would; the reader's statements (catalog, facts, change windows,
// snapshot) are answered from those tables through the real SQLite ODBC
// driver. Statements that embed positions (facts after a stored LSN, a
// change window) are recognised by building them for every LSN handed out.
#include <fmt/format.h>

#include <set>

#include "source/sqlserver/sqlserver_cdc_prerequisites.h"
#include "source/sqlserver/sqlserver_cdc_reader.h"
#include "source/sqlserver/sqlserver_cdc_script.h"
#include "source/sqlserver/sqlserver_cdc_sql.h"
#include "source/sqlserver/sqlserver_types.h"
#include "support/cdc_test_source.h"

namespace tributary::testing {
namespace {

constexpr int kLsns = 4000;  // LSNs and sequence values the script can hand out

// The LSN of transaction `n` (as the reader's own tests spell them).
SqlServerLsn Lsn(int n) { return *SqlServerLsn::Parse(fmt::format("0x{:08X}000000100001", n)); }
std::string Blob(const SqlServerLsn& lsn) { return "x'" + lsn.ToString().substr(2) + "'"; }

const char* kSetup = R"sql(
PRAGMA journal_mode = WAL;
CREATE TABLE catalog (name text, base_type text, declared_type text, prec integer, scale integer,
                      is_nullable boolean, is_assembly_type boolean);
INSERT INTO catalog VALUES ('id', 'int', 'int', 10, 0, 0, 0),
                           ('name', 'nvarchar', 'nvarchar', 0, 0, 1, 0);
CREATE TABLE pk (column_name text); INSERT INTO pk VALUES ('id');
CREATE TABLE db (database_name text, is_cdc_enabled boolean, is_published boolean,
                 engine_edition integer);
INSERT INTO db VALUES ('shop', 1, 0, 3);
CREATE TABLE tracked (t boolean); INSERT INTO tracked VALUES (1);
CREATE TABLE agent (status_desc text); INSERT INTO agent VALUES ('Running');
CREATE TABLE job (name text, running boolean); INSERT INTO job VALUES ('cdc.shop_capture', 1);
CREATE TABLE captured (column_name text, column_ordinal integer);
INSERT INTO captured VALUES ('id', 1), ('name', 2);
CREATE TABLE clock (lsn integer, seq integer, min_lsn integer); INSERT INTO clock VALUES (1, 1, 1);
CREATE TABLE lsns (n integer PRIMARY KEY, b blob);
CREATE TABLE facts (capture_instance text, start_lsn blob, min_lsn blob, max_lsn blob,
                    next_lsn blob);
CREATE TABLE changes ("__$start_lsn" blob, "__$seqval" blob, "__$operation" integer,
                      "__$update_mask" blob, "__$commit_time" timestamp, id integer, name text);
)sql";

// A change row of the current transaction: `op`, then the row's values.
std::string ChangeRow(int op, const char* row) {
  return fmt::format(
      "INSERT INTO changes VALUES ((SELECT b FROM lsns WHERE n = (SELECT lsn FROM clock)), "
      "(SELECT b FROM lsns WHERE n = (SELECT seq FROM clock)), {0}, x'03', "
      "'2024-01-01 00:00:00', {1}.id, {1}.name); UPDATE clock SET seq = seq + 1;",
      op, row);
}

class ScriptedSqlServerCdcSource final : public CdcTestSource {
 public:
  ScriptedSqlServerCdcSource() {
    script_.Exec(kSetup);
    std::string lsns = "INSERT INTO lsns VALUES ";
    for (int n = 1; n <= kLsns; ++n)
      lsns += fmt::format("{}({}, {})", n > 1 ? ", " : "", n, Blob(Lsn(n)));
    script_.Exec(lsns);
    script_.Answer(SqlServerCdcDatabaseSql(), "SELECT * FROM db");
    script_.Answer(SqlServerAgentStatusSql(), "SELECT * FROM agent");
    script_.Answer(SqlServerCdcCaptureJobSql(), "SELECT * FROM job");
    script_.Answer(SqlServerUtcOffsetSql(), "SELECT 0 AS utc_offset_minutes");
    script_.Answer(SqlServerTimeZoneSql(""), "SELECT 'UTC' AS time_zone");
  }

  void CreateTable(const std::string& table) override {
    TableRef ref{"dbo", table};
    script_.Exec(fmt::format(
        "CREATE TABLE {0} (id integer PRIMARY KEY, name text);"
        "CREATE TRIGGER {0}_i AFTER INSERT ON {0} BEGIN {1} END;"
        "CREATE TRIGGER {0}_u AFTER UPDATE ON {0} BEGIN {2} {3} END;"
        "CREATE TRIGGER {0}_d AFTER DELETE ON {0} BEGIN {4} END;",
        table, ChangeRow(2, "NEW"), ChangeRow(3, "OLD"), ChangeRow(4, "NEW"), ChangeRow(1, "OLD")));
    script_.Answer(SqlServerDescribeTableSql(ref), "SELECT * FROM catalog");
    script_.Answer(SqlServerPrimaryKeySql(ref), "SELECT * FROM pk");
    script_.Answer(SqlServerCdcTableTrackedSql(ref), "SELECT * FROM tracked");
    script_.Answer(SqlServerCdcCapturedColumnsSql("dbo_" + table), "SELECT * FROM captured");
    script_.Answer(SqlServerCdcSnapshotSql(ref, {"id", "name"}),
                   "SELECT id, name FROM " + table + " ORDER BY id");
    table_ = table;
  }
  // Each transaction gets the next LSN, as its commit would.
  void Exec(const std::string& sql) override {
    const std::string tick = "UPDATE clock SET lsn = lsn + 1;";
    if (sql.find("BEGIN;") == std::string::npos) {
      script_.Exec("BEGIN; " + tick + sql + "; COMMIT;");
      return;
    }
    std::string ticked = sql;
    for (size_t at = ticked.find("BEGIN;"); at != std::string::npos;
         at = ticked.find("BEGIN;", at + 6 + tick.size())) {
      ticked.insert(at + 6, tick);
    }
    script_.Exec(ticked);
  }
  std::vector<std::string> Values(const std::string& sql) override {
    std::string joined =
        SqliteScalar(script_.db(), "WITH q(v) AS (" + sql +
                                       ") SELECT coalesce(group_concat(v, char(31)), '') FROM q");
    std::vector<std::string> values;
    for (size_t at = 0; !joined.empty();) {
      size_t end = joined.find('\x1f', at);
      values.push_back(joined.substr(at, end - at));
      if (end == std::string::npos) break;
      at = end + 1;
    }
    return values;
  }
  std::unique_ptr<CdcReader> Open(const std::string& table) override {
    return std::make_unique<SqlServerCdcReader>(
        [this](const std::string& tsql) { return Answer(tsql); },
        "sqlserver server 'src' database 'shop'", TableRef{"dbo", table});
  }
  // The cleanup job: every change so far is gone, the minimum LSN moves past it.
  void ExpireChanges(const std::string&) override {
    script_.Exec(
        "UPDATE clock SET lsn = lsn + 1; UPDATE clock SET min_lsn = lsn; DELETE FROM changes WHERE "
        "\"__$start_lsn\" < (SELECT b FROM lsns WHERE n = (SELECT min_lsn FROM clock))");
  }
  bool InclusivePositions() const override { return true; }
  std::optional<std::string> Acknowledged(const std::string&) override { return std::nullopt; }
  bool ExactSnapshot() const override { return false; }

 private:
  int Now() { return std::stoi(SqliteScalar(script_.db(), "SELECT lsn FROM clock")); }

  // Scripts the statements that embed positions before the script answers.
  std::unique_ptr<Reader> Answer(const std::string& tsql) {
    TableRef ref{"dbo", table_};
    int now = Now();
    for (int n = 0; n <= now; ++n) {
      std::optional<SqlServerLsn> stored;
      if (n > 0) stored = Lsn(n);
      if (tsql != SqlServerCdcFactsSql(ref, stored)) continue;
      script_.Exec(fmt::format(
          "DELETE FROM facts; INSERT INTO facts SELECT 'dbo_{}', (SELECT b FROM lsns WHERE n = 1), "
          "(SELECT b FROM lsns WHERE n = min_lsn), (SELECT b FROM lsns WHERE n = lsn), {} FROM "
          "clock",
          table_, stored ? Blob(stored->Next()) : "NULL"));
      script_.Answer(tsql, "SELECT * FROM facts");
      maxes_.insert(now);
    }
    for (int to : maxes_) {
      for (int from = 0; from <= to; ++from) {
        SqlServerCdcSegment segment{"dbo_" + table_, from == 0 ? Lsn(1) : Lsn(from).Next(), Lsn(to),
                                    std::nullopt};
        if (tsql != SqlServerCdcChangesSql(segment, {"id", "name"}, "UTC")) continue;
        script_.Answer(tsql, fmt::format("SELECT * FROM changes WHERE \"__$start_lsn\" BETWEEN {} "
                                         "AND {} ORDER BY 1, 2, 3",
                                         Blob(segment.from), Blob(segment.to)));
      }
    }
    return script_.Query()(tsql);
  }

  SqlServerScript script_;
  std::string table_;
  std::set<int> maxes_;  // max LSNs the facts handed out: the ends of change windows
};

}  // namespace

std::unique_ptr<CdcTestSource> MakeScriptedSqlServerCdcSource() {
  return std::make_unique<ScriptedSqlServerCdcSource>();
}

}  // namespace tributary::testing
