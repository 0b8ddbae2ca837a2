// End to end with the real dbt from the project's virtual environment: the
// quickstart's dbt project parsed, validated and built by `tributary run`
// against the bronze tributary just loaded, per frequency; failures of tables
// and of models; plan, status and selectors.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "dbt/dbt_testing.h"
#include "support/pg_cluster.h"
#include "support/process.h"
#include "support/quickstart.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;
using testing::DuckDbScalar;

class DbtRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    project_ = testing::MakeQuickstartProject(dir_.path());
    for (const char* stale : {".tributary", "warehouse.duckdb", "dbt/target", "dbt/logs"}) {
      fs::remove_all(project_ / stale);
    }
  }
  void EnableDbt(const fs::path& executable = testing::DbtExecutable()) {
    std::ofstream(project_ / "tributary.yml", std::ios::app)
        << "\ndbt:\n  project_dir: dbt\n  executable: " << executable.string() << "\n";
  }

  testing::ProcessResult Tributary(std::vector<std::string> args,
                                   const std::vector<std::string>& env = {}) {
    args.insert(args.begin(), {"--project", project_.string()});
    return testing::RunTributary(args, env);
  }
  std::string Warehouse(const std::string& sql) {
    return DuckDbScalar(project_ / "warehouse.duckdb", sql);
  }
  std::string Bronze(const std::string& sql) {
    return DuckDbScalar(project_ / "lakehouse.duckdb", sql);
  }
  // Runs of a model recorded in the history, by status.
  std::string ModelResults(const std::string& model, const std::string& status) {
    return Bronze(
        "SELECT count(*) FROM _tributary.task_results WHERE task_id = "
        "'model.quickstart." +
        model + "' AND status = '" + status + "'");
  }
  void WriteModel(const std::string& rel, const std::string& sql) {
    std::ofstream(project_ / "dbt" / "models" / rel) << sql;
  }

  testing::TempDir dir_{"tributary-dbt"};
  fs::path project_;
};

TEST_F(DbtRunTest, ValidateParsesTheProjectAndReportsModelProblems) {
  TRIBUTARY_REQUIRE_DBT();
  EnableDbt();
  auto ok = Tributary({"validate"});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_EQ(ok.out.find("warning"), std::string::npos) << ok.out;

  WriteModel("staging/stg_customers.sql",
             "{{ config(tags=['hourlyy']) }}\nselect * from {{ source('bronze', "
             "'shop__customers') }}\n");
  std::ofstream(project_ / "dbt" / "models" / "staging" / "sources.yml", std::ios::app)
      << "      - name: shop__orderz\n";
  auto bad = Tributary({"validate"});
  EXPECT_EQ(bad.exit_code, 1) << bad.out << bad.err;
  EXPECT_NE(bad.out.find("dbt/models/staging/stg_customers.sql: error: model 'stg_customers' has "
                         "tag 'hourlyy', which is not a declared frequency (did you mean "
                         "'hourly'?)"),
            std::string::npos)
      << bad.out;
  EXPECT_NE(bad.out.find("dbt/models/staging/sources.yml: error: dbt source 'bronze.shop__orderz' "
                         "points at bronze table 'bronze.shop__orderz', which tributary does not "
                         "load (did you mean 'shop__orders'?)"),
            std::string::npos)
      << bad.out;

  WriteModel("marts/broken.sql", "select * from {{ ref('no_such_model') }}\n");
  auto unparsable = Tributary({"validate"});
  EXPECT_EQ(unparsable.exit_code, 1);
  EXPECT_NE(unparsable.out.find("dbt parse of"), std::string::npos) << unparsable.out;
  EXPECT_NE(unparsable.out.find("no_such_model"), std::string::npos) << unparsable.out;
}

TEST_F(DbtRunTest, EachFrequencyBuildsItsModelsAfterItsLoads) {
  TRIBUTARY_REQUIRE_DBT();
  EnableDbt();
  auto all = Tributary({"run"});
  ASSERT_EQ(all.exit_code, 0) << all.out << all.err;
  EXPECT_NE(all.out.find("dbt: 5 of 5 models built"), std::string::npos) << all.out;
  EXPECT_EQ(Warehouse("SELECT count(*) FROM main.stg_events"), "100000");
  EXPECT_EQ(Warehouse("SELECT sum(orders) FROM main.revenue_by_country"),
            Bronze("SELECT count(*) FROM bronze.shop__orders"));

  // New events at the source: the 5-minute load brings them to bronze, the
  // hourly run's incremental model picks up exactly those.
  testing::SqliteExec(project_ / "data" / "shop.db",
                      "INSERT INTO events (id, occurred_at, customer_id, kind) VALUES "
                      "(900001, '2030-01-01 00:00:00', 1, 'click'), "
                      "(900002, '2030-01-01 00:00:01', 2, 'view')");
  auto five = Tributary({"run", "--frequency", "every_5_minutes"});
  ASSERT_EQ(five.exit_code, 0) << five.out << five.err;
  EXPECT_EQ(five.out.find("models built"), std::string::npos) << "no 5-minute models: " << five.out;
  EXPECT_EQ(Warehouse("SELECT count(*) FROM main.stg_events"), "100000");

  auto hourly = Tributary({"run", "--frequency", "hourly"});
  ASSERT_EQ(hourly.exit_code, 0) << hourly.out << hourly.err;
  EXPECT_NE(hourly.out.find("dbt: 3 of 3 models built"), std::string::npos) << hourly.out;
  EXPECT_EQ(Warehouse("SELECT count(*) FROM main.stg_events"), "100002");
  EXPECT_EQ(ModelResults("stg_orders", "succeeded"), "2");
  EXPECT_EQ(ModelResults("revenue_by_country", "succeeded"), "1");  // daily: not rebuilt

  auto status = Tributary({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.out << status.err;
  EXPECT_NE(status.out.find("revenue_by_country"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("stg_events"), std::string::npos) << status.out;
  // The log of each run holds the exact dbt commands and their output.
  int logs = 0;
  for (const auto& entry : fs::directory_iterator(project_ / ".tributary" / "dbt" / "logs")) {
    logs += entry.path().extension() == ".log" && entry.path().filename() != "dbt.log";
  }
  EXPECT_EQ(logs, 3);
}

// skip_unchanged with the real dbt: the incremental events table (no
// lookback, so an idle load lands nothing) leaves its model out until rows
// arrive or the model's SQL changes; the full tables always count as changed.
TEST_F(DbtRunTest, SkipUnchangedLeavesOutModelsWhoseInputsDidNotChange) {
  TRIBUTARY_REQUIRE_DBT();
  EnableDbt();
  std::ofstream(project_ / "tributary.yml", std::ios::app) << "  skip_unchanged: true\n";
  fs::path events = project_ / "ingest" / "incremental" / "shop" / "shop.yml";
  std::stringstream yml;
  yml << std::ifstream(events).rdbuf();
  std::string text = yml.str();
  auto at = text.find("        lookback:");
  ASSERT_NE(at, std::string::npos);
  text.erase(at, text.find('\n', at) + 1 - at);
  std::ofstream(events) << text;

  auto first = Tributary({"run"});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_NE(first.out.find("dbt: 5 of 5 models built; output"), std::string::npos) << first.out;

  auto idle = Tributary({"run", "--frequency", "hourly"});
  ASSERT_EQ(idle.exit_code, 0) << idle.out << idle.err;
  EXPECT_NE(idle.out.find("dbt: 2 of 3 models built, 1 unchanged (skip_unchanged)"),
            std::string::npos)
      << idle.out;
  EXPECT_EQ(ModelResults("stg_events", "unchanged"), "1");
  EXPECT_EQ(ModelResults("stg_orders", "succeeded"), "2");
  // Nothing in the dbt project changed: no `dbt parse` this time.
  size_t id_at = idle.out.rfind("\nrun ") + 5;
  std::string run_id = idle.out.substr(id_at, idle.out.find(':', id_at) - id_at);
  std::stringstream log;
  log << std::ifstream(project_ / ".tributary" / "dbt" / "logs" / (run_id + ".log")).rdbuf();
  EXPECT_NE(log.str().find("dbt parse not run: the project is unchanged"), std::string::npos)
      << run_id << "\n"
      << log.str();

  testing::SqliteExec(project_ / "data" / "shop.db",
                      "INSERT INTO events (id, occurred_at, customer_id, kind) VALUES "
                      "(900001, '2030-01-01 00:00:00', 1, 'click')");
  ASSERT_EQ(Tributary({"run", "--frequency", "every_5_minutes"}).exit_code, 0);
  auto changed = Tributary({"run", "--frequency", "hourly"});
  ASSERT_EQ(changed.exit_code, 0) << changed.out << changed.err;
  EXPECT_NE(changed.out.find("dbt: 3 of 3 models built; output"), std::string::npos) << changed.out;
  EXPECT_EQ(Warehouse("SELECT count(*) FROM main.stg_events"), "100001");

  ASSERT_EQ(Tributary({"run", "--frequency", "every_5_minutes"}).exit_code, 0);  // nothing new
  std::stringstream sql;
  sql << std::ifstream(project_ / "dbt" / "models" / "staging" / "stg_events.sql").rdbuf();
  WriteModel("staging/stg_events.sql", sql.str() + "-- edited\n");
  auto edited = Tributary({"run", "--frequency", "hourly"});
  ASSERT_EQ(edited.exit_code, 0) << edited.out << edited.err;
  EXPECT_EQ(ModelResults("stg_events", "succeeded"), "3") << edited.out;

  auto status = Tributary({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.out << status.err;
  EXPECT_EQ(status.out.find("failing"), std::string::npos) << status.out;
}

// `tributary dbt sources` replaces the quickstart's hand-written sources.yml:
// the models build from it, and `dbt source freshness` (the real dbt) reads
// each table's last load from tributary's run history.
TEST_F(DbtRunTest, GeneratedSourcesBuildTheModelsAndDbtReadsTheirFreshness) {
  TRIBUTARY_REQUIRE_DBT();
  EnableDbt();
  fs::path hand_written = project_ / "dbt" / "models" / "staging" / "sources.yml";
  auto refused = Tributary({"dbt", "sources", "-o", hand_written.string()});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("was not written by `tributary dbt sources`"), std::string::npos)
      << refused.err;
  fs::remove(hand_written);
  fs::path generated = project_ / "dbt" / "models" / "staging" / "tributary_sources.yml";
  auto written = Tributary({"dbt", "sources", "-o", generated.string()});
  ASSERT_EQ(written.exit_code, 0) << written.err;
  EXPECT_EQ(Tributary({"dbt", "sources", "-o", generated.string()}).exit_code, 0)
      << "its own file is replaced";

  auto run = Tributary({"run"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("dbt: 5 of 5 models built"), std::string::npos) << run.out;

  auto freshness = testing::RunProcess(
      {testing::DbtExecutable().string(), "source", "freshness", "--project-dir",
       (project_ / "dbt").string(), "--profiles-dir", (project_ / "dbt").string(), "--target-path",
       (dir_.path() / "freshness-target").string()},
      {"DBT_SEND_ANONYMOUS_USAGE_STATS=false", "TRIBUTARY_PROJECT_DIR=" + project_.string(),
       "TRIBUTARY_BRONZE_PATH=" + (project_ / "lakehouse.duckdb").string()});
  EXPECT_EQ(freshness.exit_code, 0) << freshness.out << freshness.err;
  EXPECT_NE(freshness.out.find("PASS freshness of bronze.shop__orders"), std::string::npos)
      << freshness.out;
  EXPECT_EQ(freshness.out.find("WARN"), std::string::npos) << freshness.out;
}

TEST_F(DbtRunTest, AFailedTableSkipsItsModelsAndAFailingModelKeepsDbtsMessage) {
  TRIBUTARY_REQUIRE_DBT();
  EnableDbt();
  ASSERT_EQ(Tributary({"run"}).exit_code, 0);
  testing::SqliteExec(project_ / "data" / "shop.db", "ALTER TABLE orders RENAME TO orders_gone");
  WriteModel("staging/stg_broken.sql",
             "{{ config(tags=['hourly']) }}\nselect no_such_column from {{ source('bronze', "
             "'shop__order_lines') }}\n");
  auto r = Tributary({"run", "--frequency", "hourly"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("SKIPPED: upstream bronze table shop__orders failed in this run"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("FAILED:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("dbt: 2 of 4 models built"), std::string::npos) << r.out;
  EXPECT_EQ(ModelResults("stg_order_lines", "succeeded"), "2");
  EXPECT_EQ(ModelResults("stg_orders", "skipped"), "1");  // a status of its own
  std::string message = Bronze(
      "SELECT error FROM _tributary.task_results WHERE task_id = 'model.quickstart.stg_broken'");
  EXPECT_NE(message.find("no_such_column"), std::string::npos) << message;
  auto status = Tributary({"status"});
  EXPECT_EQ(status.exit_code, 1);
  EXPECT_NE(status.out.find("failing"), std::string::npos) << status.out;
  auto full = Tributary({"dbt", "error", "stg_broken"});
  EXPECT_EQ(full.exit_code, 1);
  EXPECT_NE(full.out.find("model model.quickstart.stg_broken (hourly)"), std::string::npos)
      << full.out;
  EXPECT_NE(full.out.find("no_such_column"), std::string::npos) << full.out;
  EXPECT_NE(full.out.find(".tributary/dbt/logs/"), std::string::npos) << full.out;
  EXPECT_EQ(Tributary({"dbt", "error", "stg_order_lines"}).exit_code, 0);
}

TEST_F(DbtRunTest, PlanAndSelectorsNameTheModelsOfEachFrequency) {
  TRIBUTARY_REQUIRE_DBT();
  EnableDbt();
  auto plan = Tributary({"plan", "--frequency", "hourly"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_NE(plan.out.find("3 of 5 models selected"), std::string::npos) << plan.out;
  EXPECT_NE(plan.out.find("stg_events"), std::string::npos);
  EXPECT_EQ(plan.out.find("revenue_by_country"), std::string::npos);
  auto narrowed = Tributary({"plan", "--tables", "shop__orders"});
  EXPECT_EQ(narrowed.out.find("models selected"), std::string::npos) << narrowed.out;

  auto written = Tributary({"dbt", "selectors"});
  ASSERT_EQ(written.exit_code, 0) << written.err;
  std::ifstream in(project_ / "dbt" / "selectors.yml");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("name: tributary_hourly"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("value: \"quickstart.marts.revenue_by_country\""), std::string::npos);
  // dbt itself accepts the file and resolves a selector to the same models.
  auto listed = testing::RunProcess(
      {testing::DbtExecutable().string(), "--quiet", "ls", "--selector", "tributary_hourly",
       "--resource-type", "model", "--project-dir", (project_ / "dbt").string(), "--profiles-dir",
       (project_ / "dbt").string(), "--target-path", (dir_ / "ls-target").string()},
      {"DBT_SEND_ANONYMOUS_USAGE_STATS=false", "TRIBUTARY_PROJECT_DIR=" + project_.string()});
  EXPECT_EQ(listed.exit_code, 0) << listed.out << listed.err;
  EXPECT_NE(listed.out.find("quickstart.staging.stg_orders"), std::string::npos) << listed.out;
  EXPECT_EQ(listed.out.find("revenue_by_country"), std::string::npos) << listed.out;
}

// The PostgreSQL sink: dbt-postgres reads bronze in the same database and
// writes the models to their own schema.
TEST_F(DbtRunTest, WithThePostgresqlSinkDbtPostgresBuildsInTheSameDatabase) {
  TRIBUTARY_REQUIRE_DBT();
  EnableDbt();
  auto& pg = testing::SharedPgCluster();
  std::string db = pg.CreateDatabase();
  std::string port = std::to_string(pg.port());
  std::stringstream yml;
  yml << std::ifstream(project_ / "tributary.yml").rdbuf();
  std::string text = yml.str();
  const std::string duckdb_sink = "sink:\n  kind: duckdb\n  path: lakehouse.duckdb\n";
  ASSERT_NE(text.find(duckdb_sink), std::string::npos);
  text.replace(text.find(duckdb_sink), duckdb_sink.size(),
               "sink:\n  kind: postgresql\n  host: 127.0.0.1\n  port: " + port +
                   "\n  database: " + db + "\n  user: tributary\n  sslmode: disable\n");
  std::ofstream(project_ / "tributary.yml") << text << "  target: postgres\n";
  auto r = Tributary({"run"});  // tributary tells dbt where bronze is
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("dbt: 5 of 5 models built"), std::string::npos) << r.out;
  EXPECT_EQ(pg.Scalar("SELECT count(*) FROM analytics.stg_events", db), "100000");
  EXPECT_EQ(pg.Scalar("SELECT sum(orders) FROM analytics.revenue_by_country", db),
            pg.Scalar("SELECT count(*) FROM bronze.shop__orders", db));
  EXPECT_EQ(pg.Scalar("SELECT count(*) FROM _tributary.task_results WHERE strategy = 'dbt' AND "
                      "status = 'succeeded'",
                      db),
            "5");
}

TEST_F(DbtRunTest, AMissingDbtFailsTheDbtStepNotTheLoads) {
  EnableDbt(project_ / "no" / "dbt");
  auto validate = Tributary({"validate"});
  EXPECT_EQ(validate.exit_code, 0) << validate.out;
  EXPECT_NE(validate.out.find("warning: no manifest for the dbt project"), std::string::npos)
      << validate.out;
  auto r = Tributary({"run", "--frequency", "hourly"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("3 of 3 tables loaded, 0 failed"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("cannot find the dbt executable"), std::string::npos) << r.err;
  auto load_only = Tributary({"run", "--frequency", "hourly", "--no-dbt"});
  EXPECT_EQ(load_only.exit_code, 0) << load_only.err;
}

}  // namespace
}  // namespace tributary
