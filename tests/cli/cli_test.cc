// End to end through the tributary binary: exit codes, filters, output, and
// a real SQLite → DuckDB load of the quickstart project.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "support/cdc_test_source.h"
#include "support/pg_cluster.h"
#include "support/process.h"
#include "support/quickstart.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;
using testing::DuckDbScalar;
using testing::RunTributary;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tributary-cli-XXXXXX";
    dir_ = mkdtemp(tmpl);
    project_ = testing::MakeQuickstartProject(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  testing::ProcessResult Tributary(std::vector<std::string> args) {
    args.insert(args.begin(), {"--project", project_.string()});
    return RunTributary(args);
  }
  std::string Bronze(const std::string& sql) {
    return DuckDbScalar(project_ / "lakehouse.duckdb", sql);
  }
  void WriteFile(const fs::path& rel, const std::string& text) {
    fs::create_directories((project_ / rel).parent_path());
    std::ofstream(project_ / rel) << text;
  }
  // Adds server `pg` (the test cluster on `port`) after the quickstart's server.
  void AddPostgresServer(int port) {
    std::stringstream yml;
    yml << std::ifstream(project_ / "tributary.yml").rdbuf();
    std::string text = yml.str();
    const std::string shop = "    directory: data\n";
    ASSERT_NE(text.find(shop), std::string::npos);
    text.insert(text.find(shop) + shop.size(),
                "  pg:\n    kind: postgresql\n    host: 127.0.0.1\n    port: " +
                    std::to_string(port) + "\n    user: tributary\n    sslmode: disable\n");
    std::ofstream(project_ / "tributary.yml") << text;
  }

  fs::path dir_;
  fs::path project_;
};

int CountLines(const std::string& text, const std::string& needle) {
  int n = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) n += line.find(needle) != std::string::npos;
  return n;
}

TEST_F(CliTest, HelpAndUsageErrors) {
  auto help = RunTributary({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* cmd : {"validate", "plan", "run", "status"}) {
    EXPECT_NE(help.out.find(cmd), std::string::npos) << cmd;
  }
  EXPECT_EQ(RunTributary({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(RunTributary({}).exit_code, 2);
  EXPECT_EQ(Tributary({"run", "--threads", "0"}).exit_code, 2);
}

// --project, --log-format and --verbose go before or after the subcommand,
// at any depth (`schedule next -p DIR`).
TEST_F(CliTest, GlobalOptionsWorkAfterTheSubcommand) {
  auto plan = RunTributary({"plan", "--project", project_.string()});
  EXPECT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_NE(plan.out.find("7 of 7 tables selected"), std::string::npos) << plan.out;
  auto next = RunTributary({"schedule", "next", "-p", project_.string(), "-n", "1"});
  EXPECT_EQ(next.exit_code, 0) << next.err;
  EXPECT_EQ(CountLines(next.out, "UTC (+00:00)"), 3) << next.out;
  auto run = RunTributary({"run", "--tables", "products", "-p", project_.string(), "--log-format",
                           "json", "--verbose"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_GE(CountLines(run.err, "\"level\":\"debug\""), 1) << run.err;
  auto status = RunTributary({"status", "--tables", "products", "-p", project_.string()});
  EXPECT_EQ(status.exit_code, 0) << status.out << status.err;
  EXPECT_EQ(CountLines(status.out, "shop__products"), 1) << status.out;
  auto cdc = RunTributary({"cdc", "status", "-p", project_.string()});
  EXPECT_EQ(cdc.exit_code, 0) << cdc.err;
  auto wrong = RunTributary({"status", "-p", (dir_ / "nowhere").string()});
  EXPECT_EQ(wrong.exit_code, 1) << "the project given after the subcommand is the one used";
}

TEST_F(CliTest, ValidateAcceptsTheQuickstart) {
  auto r = Tributary({"validate"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(CliTest, ValidateReportsProblemsWithLocationAndExitsOne) {
  WriteFile("ingest/full/shop/broken.yml",
            "server: shop\ndatabase: shop.db\nschemas:\n  - name: main\n    tables:\n"
            "      - name: orders\n        frequency: hourlyy\n");
  auto r = Tributary({"validate"});
  EXPECT_EQ(r.exit_code, 1);
  std::string all = r.out + r.err;
  EXPECT_NE(all.find("ingest/full/shop/broken.yml:7:"), std::string::npos) << all;
  EXPECT_NE(all.find("hourly"), std::string::npos) << all;
}

TEST_F(CliTest, PlanFiltersBySliceOfTheConfig) {
  auto all = Tributary({"plan"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_NE(all.out.find("7 of 7 tables selected"), std::string::npos) << all.out;

  auto hourly = Tributary({"plan", "--frequency", "hourly"});
  EXPECT_NE(hourly.out.find("3 of 7 tables selected"), std::string::npos) << hourly.out;
  EXPECT_NE(hourly.out.find("shop__orders"), std::string::npos);
  EXPECT_EQ(hourly.out.find("shop__events"), std::string::npos);

  auto combined = Tributary({"plan", "--strategy", "full,query", "--tables", "customers"});
  EXPECT_NE(combined.out.find("1 of 7 tables selected"), std::string::npos) << combined.out;

  auto repeated = Tributary({"plan", "--frequency", "daily", "--frequency", "every_5_minutes"});
  EXPECT_NE(repeated.out.find("4 of 7 tables selected"), std::string::npos) << repeated.out;

  auto unknown = Tributary({"plan", "--server", "shopp"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("--server 'shopp' matches no server (did you mean 'shop'?)"),
            std::string::npos)
      << unknown.err;
}

// A stale or misspelt name in a scheduled job must fail, not succeed forever
// loading nothing: every command that takes filters refuses it with exit 2.
TEST_F(CliTest, AFilterNamingNothingIsAUsageErrorInEveryCommand) {
  std::vector<std::vector<std::string>> commands = {
      {"run"}, {"plan"}, {"status"}, {"backfill"}, {"cdc", "status"}, {"compact"}, {"vacuum"}};
  std::vector<std::pair<std::vector<std::string>, std::string>> typos = {
      {{"--frequency", "hourley"},
       "--frequency 'hourley' matches no frequency (did you mean "
       "'hourly'?); known: every_5_minutes, hourly, daily"},
      {{"--tables", "ordrs"}, "--tables 'ordrs' matches no table (did you mean 'orders'?)"},
      {{"--server", "shp"}, "--server 'shp' matches no server (did you mean 'shop'?)"},
      {{"--strategy", "ful"}, "--strategy 'ful' matches no strategy (did you mean 'full'?)"},
      {{"--database", "shop.bd"}, "--database 'shop.bd' matches no database (did you mean"}};
  for (const auto& command : commands) {
    for (const auto& [flags, message] : typos) {
      auto args = command;
      args.insert(args.end(), flags.begin(), flags.end());
      if (command[0] == "backfill" && flags[0] != "--tables") {
        args.insert(args.end(), {"--tables", "events"});
      }
      auto r = Tributary(args);
      std::string what = args[0] + " " + args[1] + " " + args[2];
      EXPECT_EQ(r.exit_code, 2) << what << "\n" << r.out << r.err;
      EXPECT_NE(r.err.find(message), std::string::npos) << what << "\n" << r.err;
    }
  }
  auto next = Tributary({"schedule", "next", "--frequency", "hourley"});
  EXPECT_EQ(next.exit_code, 2);
  EXPECT_NE(next.err.find("did you mean 'hourly'?"), std::string::npos) << next.err;
  EXPECT_FALSE(fs::exists(project_ / "lakehouse.duckdb")) << "nothing may have run";
}

// Names that exist but select nothing together are refused too, saying what
// each selects alone.
TEST_F(CliTest, FiltersThatSelectNothingTogetherAreAUsageError) {
  auto r = Tributary({"run", "--strategy", "incremental", "--frequency", "hourly"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("the filters select no table (--strategy incremental: 1 table; "
                       "--frequency hourly: 3 tables)"),
            std::string::npos)
      << r.err;
  auto cdc = Tributary({"plan", "--strategy", "cdc"});
  EXPECT_EQ(cdc.exit_code, 2);
  EXPECT_NE(cdc.err.find("--strategy cdc: 0 tables"), std::string::npos) << cdc.err;
  auto status = Tributary({"cdc", "status", "--frequency", "hourly"});
  EXPECT_EQ(status.exit_code, 2);
  EXPECT_NE(status.err.find("the filters select 3 tables, none of them cdc"), std::string::npos)
      << status.err;
  auto everything = Tributary({"cdc", "status"});
  EXPECT_EQ(everything.exit_code, 0) << "no filter: an empty answer, not an error\n"
                                     << everything.err;
  auto globbed = Tributary({"plan", "--tables", "order*"});
  EXPECT_EQ(globbed.exit_code, 0);
  EXPECT_NE(globbed.out.find("2 of 7 tables selected"), std::string::npos) << globbed.out;
}

TEST_F(CliTest, RunLoadsEveryTableAndRecordsTheRun) {
  auto r = Tributary({"run"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Bronze("SELECT count(*) FROM bronze.shop__customers"), "2000");
  EXPECT_EQ(Bronze("SELECT count(*) FROM bronze.shop__order_lines"), "60000");
  EXPECT_EQ(Bronze("SELECT count(*) FROM bronze.shop__events"), "100000");
  EXPECT_EQ(Bronze("SELECT count(*) FROM bronze.shop__customers_public"), "2000");
  EXPECT_EQ(Bronze("SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM "
                   "information_schema.columns WHERE table_name = 'shop__customers_public'"),
            "id,country,created_at,is_active,_ingested_at,_run_id");
  // Every row names the run that landed it, the one the run history holds.
  EXPECT_EQ(Bronze("SELECT count(*) FROM bronze.shop__order_lines WHERE _run_id = (SELECT run_id "
                   "FROM _tributary.runs)"),
            "60000");
  EXPECT_EQ(Bronze("SELECT sum(orders) FROM bronze.shop__revenue_by_status"), "20000");
  EXPECT_EQ(Bronze("SELECT count(*) FROM _tributary.task_results WHERE status = 'succeeded'"), "7");
  EXPECT_EQ(
      Bronze("SELECT status || ' ' || tasks_total || ' ' || tasks_failed FROM _tributary.runs"),
      "succeeded 7 0");
  EXPECT_NE(r.out.find("7 of 7 tables loaded, 0 failed"), std::string::npos) << r.out;

  auto status = Tributary({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.out << status.err;
  // "due" only if a scheduled tick fell between the run and this check.
  EXPECT_EQ(CountLines(status.out, " ok ") + CountLines(status.out, " due "), 7) << status.out;
}

// A source table that gained and lost a column: the run history records the
// changes with their run, `status` marks the table and lists them, and the
// JSON of `status` and `runs` carries them, with the table's row count.
TEST_F(CliTest, SchemaChangesShowInStatusAndRuns) {
  ASSERT_EQ(Tributary({"run", "--tables", "shop__products"}).exit_code, 0);
  testing::SqliteExec(project_ / "data" / "shop.db",
                      "ALTER TABLE products DROP COLUMN weight_kg; "
                      "ALTER TABLE products ADD COLUMN color TEXT;");
  auto run = Tributary({"run", "--tables", "shop__products"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string run_id = Bronze("SELECT max(run_id) FROM _tributary.schema_changes");
  EXPECT_EQ(Bronze("SELECT count(*) FROM _tributary.schema_changes"), "2");
  EXPECT_EQ(Bronze("SELECT string_agg(column_name || ' ' || change, ', ' ORDER BY column_name) "
                   "FROM _tributary.schema_changes"),
            "color added, weight_kg kept");

  auto status = Tributary({"status", "--tables", "shop__products"});
  EXPECT_NE(status.out.find("shop__products *"), std::string::npos) << status.out;
  auto detail = Tributary({"status", "--table", "shop__products"});
  EXPECT_NE(detail.out.find("run " + run_id + ": color added (text)"), std::string::npos)
      << detail.out;
  EXPECT_NE(detail.out.find("weight_kg kept as NULL (was double)"), std::string::npos)
      << detail.out;
  std::string products = Bronze("SELECT count(*) FROM bronze.shop__products");
  EXPECT_NE(detail.out.find("table rows:   " + products), std::string::npos) << detail.out;

  auto json = nlohmann::json::parse(
      Tributary({"status", "--format", "json", "--tables", "shop__products"}).out);
  const auto& table = json["tables"][0];
  EXPECT_EQ(table["shape_changed"], true);
  EXPECT_EQ(table["table_rows"].dump(), products);
  ASSERT_EQ(table["schema_changes"].size(), 2u);
  EXPECT_EQ(table["schema_changes"][0]["run_id"], run_id);
  auto runs = nlohmann::json::parse(Tributary({"runs", run_id, "--format", "json"}).out);
  EXPECT_EQ(runs["results"][0]["schema_changes"].size(), 2u);
  EXPECT_NE(Tributary({"runs", run_id}).out.find("shop__products: color added (text)"),
            std::string::npos);

  // An unchanged reload records nothing more and clears the mark.
  ASSERT_EQ(Tributary({"run", "--tables", "shop__products"}).exit_code, 0);
  EXPECT_EQ(Bronze("SELECT count(*) FROM _tributary.schema_changes"), "2");
  EXPECT_EQ(Tributary({"status", "--tables", "shop__products"}).out.find("shop__products *"),
            std::string::npos);
}

TEST_F(CliTest, IncrementalRunsBackfillAndFullRefresh) {
  ASSERT_EQ(Tributary({"run", "--tables", "events"}).exit_code, 0);
  std::string events = "SELECT count(*) FROM bronze.shop__events";
  EXPECT_EQ(Bronze(events), "100000");
  auto db = project_ / "data" / "shop.db";
  testing::SqliteExec(db,
                      "INSERT INTO events VALUES (100001, '2030-01-01 00:00:00', 1, 'x', '{}')");
  ASSERT_EQ(Tributary({"run", "--tables", "events"}).exit_code, 0);
  EXPECT_EQ(Bronze(events), "100001");
  EXPECT_EQ(Bronze("SELECT count(*) FROM _tributary.state WHERE state LIKE "
                   "'%\"watermark\":\"2030-01-01 00:00:00.000000\"%'"),
            "1");

  // A change the watermark cannot see, then a backfill of its range.
  testing::SqliteExec(db, "UPDATE events SET kind = 'edited' WHERE id = 1");
  auto range =
      Tributary({"backfill", "--tables", "events", "--from", "2020-01-01", "--to", "2029-01-01"});
  ASSERT_EQ(range.exit_code, 0) << range.out << range.err;
  EXPECT_EQ(Bronze(events), "100001");
  EXPECT_EQ(Bronze("SELECT kind FROM bronze.shop__events WHERE id = 1"), "edited");

  auto wrong = Tributary({"backfill", "--tables", "shop__customers"});
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.err.find("backfill re-reads incremental and cdc tables; 'shop__customers'"),
            std::string::npos)
      << wrong.err;
  EXPECT_EQ(Tributary({"backfill"}).exit_code, 2) << "--tables is required";
  auto bad = Tributary({"backfill", "--tables", "events", "--from", "yesterday"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("'yesterday' is not a valid timestamp value"), std::string::npos)
      << bad.out;

  testing::SqliteExec(db, "DELETE FROM events WHERE id > 50000");
  ASSERT_EQ(Tributary({"run", "--tables", "events", "--full-refresh"}).exit_code, 0);
  EXPECT_EQ(Bronze(events), "50000");
  EXPECT_EQ(Bronze("SELECT command FROM _tributary.runs ORDER BY started_at DESC LIMIT 1"),
            "run --tables events --full-refresh");
}

TEST_F(CliTest, OneFailingTableDoesNotStopTheOthersAndTheExitStatusTells) {
  WriteFile("ingest/full/shop/missing.yml",
            "server: shop\ndatabase: shop.db\nschemas:\n  - name: main\n    tables:\n"
            "      - name: no_such_table\n        frequency: hourly\n");
  auto r = Tributary({"run", "--frequency", "hourly"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("no_such_table"), std::string::npos) << r.out;
  EXPECT_EQ(Bronze("SELECT count(*) FROM bronze.shop__orders"), "20000");
  EXPECT_EQ(Bronze("SELECT count(*) FROM _tributary.task_results WHERE status = 'failed'"), "1");

  auto status = Tributary({"status", "--frequency", "hourly"});
  EXPECT_EQ(status.exit_code, 1);
  EXPECT_EQ(CountLines(status.out, "failing"), 1) << status.out;
}

TEST_F(CliTest, RunOnlyTouchesTheSelectedFrequency) {
  ASSERT_EQ(Tributary({"run", "--frequency", "every_5_minutes"}).exit_code, 0);
  EXPECT_EQ(Bronze("SELECT count(*) FROM bronze.shop__events"), "100000");
  EXPECT_EQ(Bronze("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'bronze'"),
            "1");
}

// One object per line, typed: numbers as numbers, the time with its date
// and milliseconds, the run's id on every event of the run (and the table on
// a table's), and a "loads finished" event with the totals.
TEST_F(CliTest, JsonLogsAreOneTypedObjectPerLineWithTheRunIdAndASummary) {
  auto r = Tributary({"--log-format", "json", "run", "--tables", "products,orders"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream in(r.err);
  int lines = 0;
  std::set<std::string> run_ids;
  nlohmann::json loaded, finished;
  for (std::string line; std::getline(in, line); ++lines) {
    auto j = nlohmann::json::parse(line);  // throws if not JSON
    EXPECT_TRUE(j.contains("level") && j.contains("msg") && j.contains("ts")) << line;
    EXPECT_TRUE(std::regex_match(j["ts"].get<std::string>(),
                                 std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
        << line;
    if (j.contains("run_id")) run_ids.insert(j["run_id"].get<std::string>());
    EXPECT_TRUE(j.contains("run_id")) << "an event of the run without its run_id: " << line;
    if (j["msg"] == "table loaded" && j["table"] == "shop__products") loaded = j;
    if (j["msg"] == "loads finished") finished = j;
  }
  EXPECT_GE(lines, 5);
  EXPECT_EQ(run_ids.size(), 1u) << r.err;
  ASSERT_FALSE(loaded.is_null()) << r.err;
  EXPECT_TRUE(loaded["rows"].is_number_integer()) << loaded.dump();
  EXPECT_EQ(loaded["rows"], 200);
  EXPECT_TRUE(loaded["seconds"].is_number()) << loaded.dump();
  ASSERT_FALSE(finished.is_null()) << r.err;
  EXPECT_EQ(finished["status"], "succeeded");
  EXPECT_EQ(finished["tables"], 2);
  EXPECT_EQ(finished["tables_failed"], 0);
  EXPECT_EQ(finished["rows"], 20'200);
  EXPECT_TRUE(finished["seconds"].is_number());
}

TEST_F(CliTest, TextLogsShowTheDate) {
  auto r = Tributary({"run", "--tables", "products"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::regex_search(
      r.err, std::regex(R"((^|\n)\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z info  run started)")))
      << r.err;
}

TEST_F(CliTest, VerboseShowsTheSqlEachTaskSendsBatchesAndCommitTimes) {
  auto quiet = Tributary({"--log-format", "json", "run", "--tables", "products"});
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(CountLines(quiet.err, "\"debug\""), 0) << quiet.err;

  auto r = Tributary({"--log-format", "json", "--verbose", "run", "--tables", "products"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  bool source_sql = false, sink_sql = false, batch = false, commit = false;
  std::istringstream in(r.err);
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line);
    if (j["msg"] == "sql" && j.contains("source")) {
      // The query carries the run's tag and reads the table it loads.
      std::string sql = j["sql"];
      source_sql |= sql.find("tributary run=") != std::string::npos &&
                    sql.find("products") != std::string::npos;
    }
    sink_sql |= j["msg"] == "sql" && j.contains("sink");
    batch |= j["msg"] == "batch written" && j.contains("rows") && j.contains("write_ms");
    commit |= j["msg"] == "committed" && j.contains("commit_ms") &&
              j["task"].get<std::string>().find("products") != std::string::npos;
  }
  EXPECT_TRUE(source_sql) << r.err;
  EXPECT_TRUE(sink_sql) << r.err;
  EXPECT_TRUE(batch) << r.err;
  EXPECT_TRUE(commit) << r.err;
}

}  // namespace
}  // namespace tributary

namespace tributary {
namespace {

TEST_F(CliTest, ValidateJsonIsMachineReadable) {
  WriteFile("ingest/full/shop/broken.yml",
            "server: shopp\ndatabase: shop.db\nschemas:\n  - name: main\n    tables:\n"
            "      - name: returns\n");
  auto r = Tributary({"validate", "--format", "json"});
  EXPECT_EQ(r.exit_code, 1);
  auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 1u) << r.out;
  EXPECT_EQ(j[0]["file"], "ingest/full/shop/broken.yml");
  EXPECT_EQ(j[0]["line"], 1);
  EXPECT_EQ(j[0]["column"], 9);
  EXPECT_EQ(j[0]["severity"], "error");
  EXPECT_EQ(j[0]["message"], "unknown server 'shopp' (did you mean 'shop'?)");
}

// status, plan, runs and cdc status as JSON (docs/json.md); errors whole
// everywhere but in text tables.
TEST_F(CliTest, StatusPlanAndRunsAsJsonCarryWholeErrors) {
  WriteFile("ingest/full/shop/missing.yml",
            "server: shop\ndatabase: shop.db\nschemas:\n  - name: main\n    tables:\n"
            "      - name: no_such_table\n        frequency: hourly\n");
  ASSERT_EQ(Tributary({"run", "--tables", "products"}).exit_code, 0);
  ASSERT_EQ(Tributary({"run", "--frequency", "hourly"}).exit_code, 1);
  std::string error =
      Bronze("SELECT error FROM _tributary.task_results WHERE task_id = 'shop__no_such_table'");
  ASSERT_FALSE(error.empty());

  auto status = Tributary({"status", "--format", "json", "--frequency", "hourly,daily"});
  EXPECT_EQ(status.exit_code, 1) << "a failing table: " << status.err;
  auto j = nlohmann::json::parse(status.out);
  EXPECT_EQ(j["project"], "quickstart");
  EXPECT_EQ(j["healthy"], false);
  EXPECT_TRUE(j["models"].is_array());
  std::map<std::string, nlohmann::json> tables;
  for (const auto& t : j["tables"]) tables[t["task_id"]] = t;
  ASSERT_EQ(tables.size(), 7u) << status.out;
  const auto& failing = tables["shop__no_such_table"];
  EXPECT_EQ(failing["health"], "failing");
  EXPECT_EQ(failing["last_error"], error);
  EXPECT_EQ(failing["last_attempt"]["error"], error);
  EXPECT_TRUE(failing["last_success"].is_null());
  const auto& products = tables["shop__products"];
  EXPECT_EQ(products["server"], "shop");
  EXPECT_EQ(products["database"], "shop.db");
  EXPECT_EQ(products["source_schema"], "main");
  EXPECT_EQ(products["source_table"], "products");
  EXPECT_EQ(products["strategy"], "full");
  EXPECT_EQ(products["frequency"], "daily");
  EXPECT_TRUE(products["last_error"].is_null());
  EXPECT_EQ(products["last_success"]["rows"].get<int64_t>(),
            std::stoll(Bronze("SELECT count(*) FROM bronze.shop__products")));
  EXPECT_TRUE(products["last_success"]["duration_ms"].is_number_integer());
  std::string ended = products["last_success"]["ended_at"];
  EXPECT_EQ(ended.size(), 24u) << ended;  // 2026-12-07T16:22:34.123Z
  EXPECT_EQ(ended.substr(10, 1) + ended.substr(19, 1) + ended.substr(23), "T.Z") << ended;
  EXPECT_EQ(tables.count("shop__events"), 0u) << "every_5_minutes is not selected";

  auto detail = Tributary({"status", "--table", "no_such_table"});
  EXPECT_EQ(detail.exit_code, 1);
  EXPECT_NE(detail.out.find("last error:\n" + error + "\n"), std::string::npos) << detail.out;
  auto typo = Tributary({"status", "--table", "prodcts"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("--table 'prodcts' matches no table (did you mean 'products'?)"),
            std::string::npos)
      << typo.err;

  auto plan = Tributary({"plan", "--format", "json", "--frequency", "hourly"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  auto p = nlohmann::json::parse(plan.out);
  EXPECT_EQ(p["tables"].size(), 4u);
  EXPECT_EQ(p["tables_total"], 8);
  EXPECT_EQ(p["tables"][0]["frequency"], "hourly");

  auto runs = Tributary({"runs", "--format", "json"});
  ASSERT_EQ(runs.exit_code, 0) << runs.err;
  auto r = nlohmann::json::parse(runs.out)["runs"];
  ASSERT_EQ(r.size(), 2u) << runs.out;
  EXPECT_EQ(r[0]["command"], "run --frequency hourly");
  EXPECT_EQ(r[0]["status"], "failed");
  EXPECT_EQ(r[0]["tasks_total"], 4);
  EXPECT_EQ(r[0]["tasks_failed"], 1);
  EXPECT_EQ(r[1]["status"], "succeeded");
  std::string run_id = r[0]["run_id"];

  auto one = Tributary({"runs", run_id, "--format", "json"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  auto o = nlohmann::json::parse(one.out);
  EXPECT_EQ(o["run"]["run_id"], run_id);
  ASSERT_EQ(o["results"].size(), 4u);
  int failed = 0;
  for (const auto& result : o["results"]) {
    if (result["status"] == "failed") {
      ++failed;
      EXPECT_EQ(result["error"], error);
    } else {
      EXPECT_TRUE(result["error"].is_null());
    }
  }
  EXPECT_EQ(failed, 1);
  auto text = Tributary({"runs", run_id});
  EXPECT_NE(text.out.find("shop__no_such_table failed:\n" + error + "\n"), std::string::npos)
      << text.out;
  auto list = Tributary({"runs", "-n", "1"});
  EXPECT_EQ(CountLines(list.out, "Z-"), 1) << list.out;
  auto unknown = Tributary({"runs", "20000101T000000Z-000000"});
  EXPECT_EQ(unknown.exit_code, 2);

  auto cdc = Tributary({"cdc", "status", "--format", "json"});
  EXPECT_EQ(cdc.exit_code, 0) << cdc.err;
  EXPECT_EQ(nlohmann::json::parse(cdc.out),
            nlohmann::json::parse(R"({"healthy": true, "tables": []})"));
}

// cdc status --format json on a real PostgreSQL stream.
TEST_F(CliTest, CdcStatusJsonDescribesEachStream) {
  auto& pg = testing::SharedPgCluster();
  std::string db = pg.CreateDatabase();
  pg.Exec(
      "CREATE TABLE cdcjson_accounts (id int PRIMARY KEY, balance bigint);"
      "INSERT INTO cdcjson_accounts SELECT i, i * 10 FROM generate_series(1, 50) i",
      db);
  AddPostgresServer(pg.port());
  WriteFile("ingest/cdc/pg/" + db + ".yml",
            "server: pg\ndatabase: " + db +
                "\nschemas:\n  - name: public\n    tables:\n      - name: cdcjson_accounts\n");
  auto run = Tributary({"run", "--strategy", "cdc"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  auto r = Tributary({"cdc", "status", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["healthy"], true);
  ASSERT_EQ(j["tables"].size(), 1u) << r.out;
  const auto& t = j["tables"][0];
  EXPECT_EQ(t["task_id"], db + "__cdcjson_accounts");
  EXPECT_EQ(t["server"], "pg");
  EXPECT_EQ(t["database"], db);
  EXPECT_EQ(t["source_schema"], "public");
  EXPECT_EQ(t["source_table"], "cdcjson_accounts");
  EXPECT_NE(t["stream"].get<std::string>().find("slot "), std::string::npos) << t;
  EXPECT_TRUE(t["state"].is_string() && t["state"] != "error" && t["state"] != "missing") << t;
  EXPECT_TRUE(t["stored_position"].is_string()) << t;
  EXPECT_TRUE(t["head"].is_string()) << t;
  EXPECT_TRUE(t["lag_bytes"].is_number_integer()) << t;
  EXPECT_TRUE(t["error"].is_null()) << t;
}

// A slot named in two projects of the same name with different sinks: the
// second is refused until it takes the slot over; the first then reports its
// broken stream and `cdc status` exits 1.
TEST_F(CliTest, CdcTakeOverIsExplicitAndTheFirstSinkReportsItsBrokenStream) {
  auto& pg = testing::SharedPgCluster();
  std::string db = pg.CreateDatabase();
  pg.Exec(
      "CREATE TABLE owned (id int PRIMARY KEY, n bigint);"
      "INSERT INTO owned SELECT i, i FROM generate_series(1, 10) i",
      db);
  AddPostgresServer(pg.port());
  WriteFile("ingest/cdc/pg/" + db + ".yml",
            "server: pg\ndatabase: " + db +
                "\nschemas:\n  - name: public\n    tables:\n      - name: owned\n        slot: " +
                db + "_owned\n");
  fs::path second = dir_ / "second";
  fs::copy(project_, second, fs::copy_options::recursive);
  std::string id = db + "__owned";
  auto first_run = Tributary({"run", "--strategy", "cdc"});
  ASSERT_EQ(first_run.exit_code, 0) << first_run.out << first_run.err;
  EXPECT_EQ(Tributary({"cdc", "status"}).exit_code, 0);

  auto refused = RunTributary({"run", "--strategy", "cdc", "-p", second.string()});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE((refused.out + refused.err).find("--take-over"), std::string::npos) << refused.err;
  auto healthy = Tributary({"cdc", "status", "--format", "json"});
  EXPECT_EQ(healthy.exit_code, 0) << healthy.out << healthy.err;

  auto help = RunTributary({"backfill", "--help"});
  EXPECT_NE(help.out.find("--take-over"), std::string::npos) << help.out;
  auto taken = RunTributary(
      {"backfill", "--tables", id, "--take-over", "--log-format", "json", "-p", second.string()});
  ASSERT_EQ(taken.exit_code, 0) << taken.out << taken.err;
  EXPECT_NE(taken.err.find("TAKING OVER replication slot"), std::string::npos) << taken.err;

  auto broken = Tributary({"cdc", "status", "--format", "json"});
  EXPECT_EQ(broken.exit_code, 1) << broken.out;
  auto j = nlohmann::json::parse(broken.out);
  EXPECT_EQ(j["healthy"], false);
  ASSERT_EQ(j["tables"].size(), 1u);
  EXPECT_EQ(j["tables"][0]["state"], "taken") << j;
  EXPECT_NE(j["tables"][0]["problem"].get<std::string>().find("another sink took it over"),
            std::string::npos)
      << j;
  auto text_status = Tributary({"cdc", "status"});
  EXPECT_EQ(text_status.exit_code, 1);
  EXPECT_NE(text_status.out.find(id + ": BROKEN"), std::string::npos) << text_status.out;
  auto other = RunTributary({"cdc", "status", "-p", second.string()});
  EXPECT_EQ(other.exit_code, 0) << other.out << other.err;
  auto gap = Tributary({"run", "--strategy", "cdc"});
  EXPECT_EQ(gap.exit_code, 1);
  EXPECT_NE((gap.out + gap.err).find("GAP"), std::string::npos) << gap.err;
  testing::DropReplicationSlots(pg, db);
}

TEST_F(CliTest, ScheduleNextListsEachFrequency) {
  auto r = Tributary({"schedule", "next", "-n", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(CountLines(r.out, "UTC (+00:00)"), 6) << r.out;  // 3 frequencies x 2 fire times
  EXPECT_NE(r.out.find("Europe/Oslo"), std::string::npos);
}

TEST_F(CliTest, DocsConfigPrintsTheReference) {
  auto r = RunTributary({"docs", "config"});
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("| `sink_table` |"), std::string::npos);
}

}  // namespace
}  // namespace tributary
