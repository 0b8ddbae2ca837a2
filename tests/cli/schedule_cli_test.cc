// `tributary schedule run` in real time: the quickstart on 2- and 4-second
// schedules, stopped by SIGTERM, restarted after a pause (catch-up), with the
// run records checked for coalescing, no overlap and each table once per run.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "dbt/dbt_testing.h"
#include "support/process.h"
#include "support/quickstart.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;
using testing::DuckDbScalar;
using testing::RunProcess;
using testing::RunTributary;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class ScheduleCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    project_ = testing::MakeQuickstartProject(dir_.path());
    std::string yml = ReadFile(project_ / "tributary.yml");
    yml = std::regex_replace(yml, std::regex(R"(cron: "0 0/5 \* \* \* \?")"),
                             R"(cron: "*/2 * * * * ?")");
    yml = std::regex_replace(yml, std::regex(R"(cron: "0 0 \* \* \* \?")"),
                             R"(cron: "*/2 * * * * ?")");
    yml = std::regex_replace(yml, std::regex(R"(cron: "0 0 5 \* \* \?")"),
                             R"(cron: "*/4 * * * * ?")");
    std::ofstream(project_ / "tributary.yml") << yml;
  }
  // Runs the scheduler until it has logged `runs` finished runs and at least
  // `seconds` have passed (at most 120 s: a loaded machine only slows it
  // down), then sends `signal` (TERM or INT) and waits for it to exit.
  testing::ProcessResult Schedule(int runs, int seconds, int signal) {
    fs::path err = dir_.path() / "schedule.err", pid = dir_.path() / "schedule.pid";
    fs::remove(pid);
    testing::ProcessResult result;
    std::thread scheduler([&] {
      result =
          RunProcess({"sh", "-c",
                      "echo $$ > '" + pid.string() + "'; exec '" TRIBUTARY_BINARY "' --project '" +
                          project_.string() + "' schedule run 2> '" + err.string() + "'"});
    });
    auto start = std::chrono::steady_clock::now();
    auto elapsed = [&] { return std::chrono::steady_clock::now() - start; };
    while (elapsed() < std::chrono::seconds(120) && (elapsed() < std::chrono::seconds(seconds) ||
                                                     Count(ReadFile(err), "run finished") < runs)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    kill(std::stoi(ReadFile(pid)), signal);
    scheduler.join();
    result.err = ReadFile(err);
    return result;
  }
  static int Count(const std::string& text, const std::string& what) {
    int n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  }
  std::string Bronze(const std::string& sql) {
    return DuckDbScalar(project_ / "lakehouse.duckdb", sql);
  }

  testing::TempDir dir_;
  fs::path project_;
};

TEST_F(ScheduleCliTest, RunsTheQuickstartOnScheduleWithoutOverlapAndCatchesUpAfterAPause) {
  auto first = Schedule(2, 6, SIGTERM);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("signal received"), std::string::npos) << first.err;
  EXPECT_NE(first.err.find("scheduler stopped"), std::string::npos) << first.err;
  // Never loaded before: the first run catches every frequency up at once.
  // (Records of skipped ticks carry their tick's time, which can precede the
  // start of a run that was slow to begin on a busy machine: only runs that
  // loaded tables are compared.)
  std::string first_run = Bronze(
      "SELECT command FROM _tributary.runs WHERE tasks_total > 0 ORDER BY started_at LIMIT 1");
  EXPECT_NE(first_run.find("caught up every_5_minutes@"), std::string::npos) << first_run;
  EXPECT_GE(std::stoi(Bronze("SELECT count(*) FROM _tributary.runs WHERE tasks_total > 0")), 2);
  EXPECT_EQ(Bronze("SELECT count(*) FROM _tributary.runs WHERE command LIKE '%coalesced: 3 "
                   "frequencies%' AND tasks_total = 7"),
            Bronze("SELECT count(*) FROM _tributary.runs WHERE tasks_total = 7"));

  std::string before = Bronze("SELECT count(*) FROM _tributary.runs WHERE tasks_total > 0");
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));  // ticks pass unattended
  auto second = Schedule(1, 3, SIGINT);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  std::string restart_first = Bronze(
      "SELECT command FROM _tributary.runs WHERE tasks_total > 0 ORDER BY started_at LIMIT 1 "
      "OFFSET " +
      before);
  EXPECT_NE(restart_first.find("caught up every_5_minutes@"), std::string::npos) << restart_first;
  EXPECT_NE(restart_first.find("missed since"), std::string::npos) << restart_first;
  EXPECT_GE(std::stoi(Bronze("SELECT count(*) FROM _tributary.runs WHERE tasks_total > 0")), 3);

  // Every run ended (a signal may cancel the run in flight: only cancelled
  // loads may fail; ticks that found a run still going on a busy machine are
  // recorded as skipped), each table
  // at most once per run, no two runs of a frequency and no two loads of a
  // table ever overlapped (runs of different frequencies may).
  EXPECT_EQ(Bronze("SELECT count(*) FROM _tributary.runs WHERE status = 'running' OR ended_at "
                   "IS NULL"),
            "0");
  EXPECT_EQ(Bronze("SELECT count(*) FROM _tributary.task_results WHERE status <> 'succeeded' "
                   "AND error NOT LIKE '%cancelled%'"),
            "0");
  EXPECT_EQ(Bronze("SELECT count(*) FROM (SELECT run_id, task_id FROM _tributary.task_results "
                   "GROUP BY ALL HAVING count(*) > 1)"),
            "0");
  EXPECT_EQ(Bronze("WITH rf AS (SELECT DISTINCT r.run_id, t.frequency, r.started_at, r.ended_at "
                   "FROM _tributary.runs r JOIN _tributary.task_results t USING (run_id)) "
                   "SELECT count(*) FROM rf a JOIN rf b ON a.frequency = b.frequency AND "
                   "a.run_id < b.run_id AND a.started_at < b.ended_at AND b.started_at < "
                   "a.ended_at"),
            "0");
  EXPECT_EQ(Bronze("SELECT count(*) FROM _tributary.task_results a JOIN _tributary.task_results "
                   "b ON a.task_id = b.task_id AND a.run_id < b.run_id AND a.started_at < "
                   "b.ended_at AND b.started_at < a.ended_at"),
            "0");
}

// With a dbt: block each scheduled run builds its frequencies' models after
// its loads, recorded under the run's id; with the DuckDB sink, loads of
// other frequencies wait while dbt reads the bronze file, so no load or
// build ever fails on DuckDB's file lock although ticks come every 2 s.
TEST_F(ScheduleCliTest, EachRunBuildsItsModelsAndLoadsWaitWhileDbtReadsBronze) {
  TRIBUTARY_REQUIRE_DBT();
  std::ofstream(project_ / "tributary.yml", std::ios::app)
      << "\ndbt:\n  project_dir: dbt\n  executable: " << testing::DbtExecutable().string() << "\n";
  auto r = Schedule(3, 6, SIGTERM);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("dbt 5 built, 0 unchanged, 0 failed or skipped"), std::string::npos)
      << r.err;
  // The first (caught-up) run built every model, under the run's own id.
  EXPECT_EQ(Bronze("SELECT count(DISTINCT t.task_id) FROM _tributary.task_results t JOIN "
                   "_tributary.runs r USING (run_id) WHERE t.strategy = 'dbt' AND t.status = "
                   "'succeeded'"),
            "5");
  // Only what was in flight at SIGTERM may have been cancelled.
  const std::string failures =
      "FROM _tributary.task_results WHERE status NOT IN ('succeeded', 'unchanged') AND error "
      "NOT LIKE '%cancelled%'";
  EXPECT_EQ(Bronze("SELECT count(*) " + failures), "0")
      << Bronze("SELECT string_agg(task_id || ': ' || error, '; ') " + failures);
  EXPECT_GE(std::stoi(Bronze("SELECT count(DISTINCT run_id) FROM _tributary.task_results WHERE "
                             "strategy = 'dbt'")),
            2);
}

TEST_F(ScheduleCliTest, UnknownFrequencyIsAUsageError) {
  auto r =
      RunTributary({"--project", project_.string(), "schedule", "run", "--frequency", "hourli"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--frequency 'hourli' matches no frequency (did you mean 'hourly'?)"),
            std::string::npos)
      << r.err;
  auto next =
      RunTributary({"--project", project_.string(), "schedule", "next", "--frequency", "hourli"});
  EXPECT_EQ(next.exit_code, 2);
  EXPECT_NE(next.err.find("did you mean 'hourly'?"), std::string::npos) << next.err;
}

TEST_F(ScheduleCliTest, HelpExplainsStoppingAndTheRecords) {
  auto r = RunTributary({"schedule", "run", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("SIGTERM"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("_tributary.runs"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace tributary
