// Where PostgreSQL differs from the shared incremental suite: timestamptz
// watermarks written in several time zones, numeric watermarks, and
// ±infinity in the watermark column.
#include <fstream>
#include <regex>

#include "strategy/watermark.h"
#include "support/pg_fixture.h"

namespace tributary {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class IncrementalPostgresTest : public testing::PgFixture {
 protected:
  IncrementalPostgresTest() { task_ = MakeTask("t", "incremental"); }

  // Runs the task once; returns its result.
  TaskResult Load(Reload reload = {}) {
    auto sink = OpenSink(project_);
    RunObserver quiet;
    RunOptions options;
    options.reload = reload;
    return RunTasks(project_, {task_}, *sink, clock_, options, quiet).results.at(0);
  }
  // Runs it and expects success; returns the rows read.
  int64_t LoadOk(Reload reload = {}) {
    TaskResult r = Load(reload);
    EXPECT_EQ(r.status, "succeeded") << r.error;
    return r.rows;
  }
  std::string Watermark() {
    auto state = OpenSink(project_)->ReadState(task_.id());
    return state ? WatermarkState::FromJson(*state, task_.id()).value : "<none>";
  }
  std::vector<std::string> Ids() {
    return Bronze("SELECT id::VARCHAR FROM bronze.pg__t ORDER BY id");
  }

  Task task_;
};

// A timestamptz is an instant: rows written with different offsets, read by a
// session in yet another zone, compare by their instant; the watermark is UTC.
TEST_F(IncrementalPostgresTest, TimestamptzWatermarksAreInstantsWhateverTheTimeZones) {
  Exec("ALTER DATABASE " + database_ + " SET timezone TO 'Asia/Kolkata';");
  Exec(
      "CREATE TABLE t (id int, at timestamptz);"
      "INSERT INTO t VALUES (1, '2026-01-01 12:00:00+00'), (2, '2026-01-01 13:30:00+01:30'), "
      "(3, '2026-01-01 06:00:00-05:00')");  // 12:00, 12:00 and 11:00 UTC
  task_.options.watermark_column = "at";
  EXPECT_EQ(LoadOk(), 3);
  EXPECT_EQ(Watermark(), "2026-01-01 12:00:00.000000+00:00");
  Exec(
      "INSERT INTO t VALUES (4, '2026-01-01 17:29:59+05:30'), "  // 11:59:59 UTC: too old
      "(5, '2026-01-01 17:30:00+05:30'), "                       // 12:00 UTC: the boundary
      "(6, '2026-01-01 08:00:01-04:00')");                       // 12:00:01 UTC
  EXPECT_EQ(LoadOk(), 4) << "1, 2 and 5 at the boundary, and 6";
  EXPECT_THAT(Ids(), ElementsAre("1", "2", "3", "5", "6"));
  EXPECT_EQ(Watermark(), "2026-01-01 12:00:01.000000+00:00");
  // Backfill bounds may carry an offset too: [11:59 UTC, 12:00 UTC).
  EXPECT_EQ(LoadOk({Reload::Kind::kBackfill, "2026-01-01 17:29:00+05:30", "2026-01-01 12:00:00Z"}),
            1);
  EXPECT_THAT(Ids(), ElementsAre("1", "2", "3", "4", "5", "6"));
  EXPECT_EQ(Watermark(), "2026-01-01 12:00:01.000000+00:00");
}

TEST_F(IncrementalPostgresTest, NumericWatermarksCompareExactlyWithALookback) {
  Exec(
      "CREATE TABLE t (id int PRIMARY KEY, seq numeric(20,3));"
      "INSERT INTO t VALUES (1, 1.5), (2, 99999999999999999.250), (3, 99999999999999999.250)");
  task_.options.watermark_column = "seq";
  task_.options.primary_key = {"id"};
  task_.options.lookback = "0.25";
  EXPECT_EQ(LoadOk(), 3);
  EXPECT_EQ(Watermark(), "99999999999999999.250");
  // Past the precision of a double: only exact decimals tell these apart.
  Exec(
      "INSERT INTO t VALUES (4, 99999999999999999.001), (5, 99999999999999998.999), "
      "(6, 99999999999999999.251)");
  EXPECT_EQ(LoadOk(), 4) << "from .250 - .25 = .000 on: 2, 3, 4 and 6; not 5";
  EXPECT_THAT(Ids(), ElementsAre("1", "2", "3", "4", "6"));
  EXPECT_EQ(Watermark(), "99999999999999999.251");
}

TEST_F(IncrementalPostgresTest, AnUnboundedNumericIsNotAWatermark) {
  Exec("CREATE TABLE t (id int, seq numeric); INSERT INTO t VALUES (1, 1)");
  task_.options.watermark_column = "seq";
  EXPECT_THAT(Load().error, HasSubstr("watermark column 'seq' of table 't' is text"));
}

// An infinite value is no position in time: the watermark is the largest
// finite value read, so rows at +infinity are in every window (re-read each
// run, never duplicated; part of the boundary that tells an unchanged run)
// and rows at -infinity only in unbounded reads.
TEST_F(IncrementalPostgresTest, InfiniteValuesNeverBecomeTheWatermark) {
  std::pair<std::string, bool> cases[] = {
      {"timestamp", false}, {"timestamptz", true}, {"date", false}};
  for (const auto& [type, keyed] : cases) {
    {
      SCOPED_TRACE(type + (keyed ? " with primary_key" : " append"));
      Exec("DROP TABLE IF EXISTS t; CREATE TABLE t (id int PRIMARY KEY, at " + type +
           "); INSERT INTO t VALUES (1, '-infinity'), (2, '2026-01-01'), (3, 'infinity')");
      task_.options.watermark_column = "at";
      task_.options.primary_key =
          keyed ? std::vector<std::string>{"id"} : std::vector<std::string>{};
      EXPECT_EQ(LoadOk({Reload::Kind::kFullRefresh}), 3);
      EXPECT_THAT(Watermark(), ::testing::StartsWith("2026-01-01"));
      Exec("INSERT INTO t VALUES (4, '2026-01-02')");
      EXPECT_EQ(LoadOk(), 3) << "2 at the boundary, 3 at +infinity, and 4";
      EXPECT_THAT(Ids(), ElementsAre("1", "2", "3", "4"));
      EXPECT_THAT(Watermark(), ::testing::StartsWith("2026-01-02"));
      EXPECT_EQ(LoadOk(), 0) << "4 at the boundary and 3 re-read as landed: nothing to write";
      EXPECT_THAT(Ids(), ElementsAre("1", "2", "3", "4"));
    }
  }
}

TEST_F(IncrementalPostgresTest, ATableWhoseLargestValueIsInfinityIsNotAdopted) {
  Exec("CREATE TABLE t (id int, at timestamp); INSERT INTO t VALUES (1, 'infinity')");
  task_.options.watermark_column = "at";
  task_.strategy = "full";
  LoadOk();
  task_.strategy = "incremental";
  EXPECT_THAT(Load().error, HasSubstr("the largest 'at' in sink table 'pg__t' is infinity"));
  EXPECT_EQ(LoadOk({Reload::Kind::kFullRefresh}), 1);
  EXPECT_EQ(LoadOk(), 1) << "+infinity is in every window";
}

// Every statement the server logs for `database` after byte `from` of its
// log, as "application_name|statement" (first line of the statement).
std::vector<std::string> LoggedStatements(const std::filesystem::path& log, std::streamoff from,
                                          const std::string& database) {
  std::ifstream in(log);
  in.seekg(from);
  std::regex line(R"(\] (.*)@(\S+) LOG:  (?:statement|execute [^:]*): (.*))");
  std::vector<std::string> statements;
  std::smatch m;
  for (std::string text; std::getline(in, text);) {
    if (std::regex_search(text, m, line) && m[2] == database) {
      statements.push_back(m[1].str() + "|" + m[3].str());
    }
  }
  return statements;
}

// A DBA finds every statement of an incremental load or a backfill by its
// session's application_name and its leading comment — catalog lookups too.
TEST_F(IncrementalPostgresTest, EveryStatementOfIncrementalLoadsAndBackfillsIsTagged) {
  Exec(
      "CREATE DOMAIN note AS text; CREATE TABLE t (id int, at timestamp, n note);"
      "INSERT INTO t VALUES (1, '2026-01-01', 'a'), (2, '2026-01-02', 'b')");
  task_.options.watermark_column = "at";
  pg_.Exec("ALTER SYSTEM SET log_line_prefix = '%m [%p] %a@%d '");
  pg_.Exec("SELECT pg_reload_conf()");
  pg_.Exec("ALTER DATABASE " + database_ + " SET log_statement = 'all'");
  for (int i = 0; i < 500 && pg_.Scalar("SHOW log_line_prefix").find("%a") == std::string::npos;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::streamoff from = static_cast<std::streamoff>(std::filesystem::file_size(pg_.log_file()));
  std::vector<std::string> run_ids;
  for (Reload reload : {Reload{}, Reload{}, Reload{Reload::Kind::kBackfill, "2026-01-01", ""}}) {
    TaskResult r = Load(reload);
    ASSERT_EQ(r.status, "succeeded") << r.error;
    run_ids.push_back(r.run_id);
  }
  pg_.Exec("ALTER SYSTEM RESET log_line_prefix");
  pg_.Exec("SELECT pg_reload_conf()");
  std::vector<std::string> statements = LoggedStatements(pg_.log_file(), from, database_);
  std::string all = ::testing::PrintToString(statements);
  for (const char* what : {"pg_attribute", "pg_type", "COPY"}) {
    EXPECT_THAT(all, HasSubstr(what)) << "each kind of statement is seen at least once";
  }
  for (const std::string& statement : statements) {
    EXPECT_THAT(statement, ::testing::MatchesRegex("tributary\\|/\\* tributary run=(" + run_ids[0] +
                                                   "|" + run_ids[1] + "|" + run_ids[2] +
                                                   ") task=pg__t strategy=incremental \\*/ .*"));
  }
}

}  // namespace
}  // namespace tributary
