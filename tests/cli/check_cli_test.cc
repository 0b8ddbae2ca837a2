// `tributary check` end to end through the binary, against the quickstart's
// real SQLite database and a real PostgreSQL cluster: every table exists,
// misspelt names get a did-you-mean and their ingest file:line, a broken
// query and a missing column fail now, one unreachable server is reported
// once while the others are checked, an unwritable sink fails, and
// `validate` stays offline without production secrets.
#include <duckdb.h>
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/loopback_http_server.h"
#include "support/pg_cluster.h"
#include "support/process.h"
#include "support/quickstart.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

int CountLines(const std::string& text, const std::string& needle) {
  int n = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) n += line.find(needle) != std::string::npos;
  return n;
}

// The line of `text` holding every one of `needles`, or "".
std::string LineWith(const std::string& text, std::initializer_list<std::string> needles) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    bool all = true;
    for (const auto& n : needles) all = all && line.find(n) != std::string::npos;
    if (all) return line;
  }
  return "";
}

class CheckCliTest : public ::testing::Test {
 protected:
  CheckCliTest() : project_(testing::MakeQuickstartProject(dir_.path())) {}

  testing::ProcessResult Tributary(std::vector<std::string> args,
                                   const std::vector<std::string>& env = {}) {
    args.insert(args.begin(), {"--project", project_.string()});
    return testing::RunTributary(args, env);
  }
  void WriteFile(const fs::path& rel, const std::string& text) {
    fs::create_directories((project_ / rel).parent_path());
    std::ofstream(project_ / rel) << text;
  }
  void AppendToProjectFile(const std::string& text) {
    std::ofstream(project_ / "tributary.yml", std::ios::app) << text;
  }
  // A `servers:` entry appended to tributary.yml (servers: is its last block
  // but for dbt:, so the entry is inserted before dbt:).
  void AddServer(const std::string& entry) {
    std::ifstream in(project_ / "tributary.yml");
    std::stringstream text;
    text << in.rdbuf();
    std::string yml = text.str();
    size_t at = yml.find("\ndefaults:");
    yml.insert(at, "\n" + entry);
    std::ofstream(project_ / "tributary.yml") << yml;
  }

  testing::TempDir dir_;
  fs::path project_;
};

TEST_F(CheckCliTest, TheQuickstartPassesEveryCheck) {
  auto r = Tributary({"check"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(CountLines(r.out, " connect "), 1) << "one connection for the one database: " << r.out;
  EXPECT_THAT(LineWith(r.out, {"main.orders", "table", "ok"}), HasSubstr("exists"));
  EXPECT_THAT(LineWith(r.out, {"main.events", "watermark_column occurred_at"}),
              AllOf(HasSubstr(" columns "), HasSubstr(" ok "), HasSubstr("primary_key id")))
      << r.out;
  EXPECT_THAT(LineWith(r.out, {"revenue_by_status", "query", "ok"}),
              HasSubstr("returns 3 columns: status, orders, revenue"));
  EXPECT_THAT(LineWith(r.out, {"main.customers", "read", "ok"}), Not(""));
  EXPECT_THAT(LineWith(r.out, {"(sink)", "sink", "ok"}), HasSubstr("lakehouse.duckdb"));
  EXPECT_THAT(r.out, HasSubstr(" 0 warnings, 0 failed"));

  auto json = Tributary({"check", "--format", "json", "--tables", "orders"});
  ASSERT_EQ(json.exit_code, 0) << json.out << json.err;
  auto j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["passed"], true);
  EXPECT_EQ(j["summary"]["fail"], 0);
  ASSERT_GE(j["checks"].size(), 4u);
  EXPECT_EQ(j["checks"][0]["check"], "connect");
  EXPECT_EQ(j["checks"][0]["server"], "shop");
  EXPECT_EQ(j["checks"][0]["database"], "shop.db");
  EXPECT_TRUE(j["checks"][0]["table"].is_null());
  EXPECT_EQ(j["checks"][1]["table"], "main.orders");
  EXPECT_EQ(j["checks"][1]["result"], "ok");
  EXPECT_EQ(j["checks"].back()["check"], "sink");
  EXPECT_TRUE(j["checks"].back()["server"].is_null());
}

TEST_F(CheckCliTest, AMisspeltTableGetsADidYouMeanAndItsIngestFileLine) {
  WriteFile("ingest/full/shop/typo.yml",
            "server: shop\ndatabase: shop.db\nschemas:\n  - name: main\n    tables:\n"
            "      - name: ordrs\n");
  auto r = Tributary({"check", "--format", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["passed"], false);
  EXPECT_EQ(j["summary"]["fail"], 1) << r.out;
  int connects = 0;
  for (const auto& c : j["checks"]) {
    if (c["check"] == "connect") ++connects;
    if (c["result"] != "fail") continue;
    EXPECT_EQ(c["table"], "main.ordrs");
    EXPECT_EQ(c["check"], "table");
    EXPECT_THAT(c["message"].get<std::string>(),
                AllOf(HasSubstr("does not exist"), HasSubstr("did you mean 'orders'?"),
                      HasSubstr("ingest/full/shop/typo.yml:6")));
  }
  EXPECT_EQ(connects, 1) << "one connection per server and database, not per table";
}

TEST_F(CheckCliTest, AMissingWatermarkColumnAndABrokenQueryFailNow) {
  WriteFile("ingest/incremental/shop/late.yml",
            "server: shop\ndatabase: shop.db\nschemas:\n  - name: main\n    tables:\n"
            "      - name: orders\n        sink_table: late_orders\n"
            "        watermark_column: ordered_att\n");
  WriteFile("ingest/query/shop/broken.yml",
            "server: shop\ndatabase: shop.db\nschemas:\n  - name: main\n    tables:\n"
            "      - name: broken\n        query: SELECT statuss FROM orders\n");
  auto r = Tributary({"check", "--tables", "late_orders,broken"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  std::string columns = LineWith(r.out, {"main.orders", "columns", "fail"});
  EXPECT_THAT(columns, AllOf(HasSubstr("watermark_column 'ordered_att' is not a column"),
                             HasSubstr("ingest/incremental/shop/late.yml:6")))
      << r.out;
  std::string query = LineWith(r.out, {"broken", "query", "fail"});
  EXPECT_THAT(query, AllOf(HasSubstr("statuss"), HasSubstr("ingest/query/shop/broken.yml:6")))
      << r.out;
  EXPECT_THAT(r.out, HasSubstr("2 failed"));
}

TEST_F(CheckCliTest, AnUnreachableServerIsReportedOnceAndTheOthersAreStillChecked) {
  int port = testing::FreeLoopbackPort();
  AddServer(
      "  down:\n    kind: postgresql\n    host: 127.0.0.1\n    port: " + std::to_string(port) +
      "\n    user: loader\n    password: ${env:TRIBUTARY_CHECK_TEST_PASSWORD}\n");
  for (const char* db : {"sales", "stock"}) {
    WriteFile(fmt::format("ingest/full/down/{}.yml", db),
              fmt::format("server: down\ndatabase: {}\nschemas:\n  - name: public\n    "
                          "tables:\n      - name: a\n      - name: b\n",
                          db));
  }
  auto r = Tributary({"check"}, {"TRIBUTARY_CHECK_TEST_PASSWORD=pw-check-Secret-99"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(CountLines(r.out, "Connection refused"), 1) << r.out;
  EXPECT_THAT(LineWith(r.out, {"down", "stock", "connect", "fail"}),
              HasSubstr("not tried: server down is unreachable (reported for database sales)"));
  EXPECT_THAT(LineWith(r.out, {"main.orders", "table", "ok"}), Not(""))
      << "the sqlite server's checks still run: " << r.out;
  EXPECT_THAT(r.out + r.err, Not(HasSubstr("pw-check-Secret-99")));
  EXPECT_THAT(r.out, HasSubstr("2 failed"));
}

// `run` with the same unreachable server: one sequence of tries (each logged
// at warn), "server unreachable" logged once, every table of that server
// failed, the other server's tables loaded, the exit status failing.
TEST_F(CheckCliTest, ARunLogsAnUnreachableServerOnceAndLoadsTheOthers) {
  AddServer("  down:\n    kind: postgresql\n    host: 127.0.0.1\n    port: " +
            std::to_string(testing::FreeLoopbackPort()) +
            "\n    user: loader\n    retry_attempts: 3\n    retry_initial_backoff_seconds: 0\n");
  WriteFile("ingest/full/down/sales.yml",
            "server: down\ndatabase: sales\nschemas:\n  - name: public\n    tables:\n"
            "      - name: a\n      - name: b\n      - name: c\n      - name: d\n"
            "      - name: e\n");
  auto r = Tributary({"run", "--strategy", "full"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(CountLines(r.err, "transient source error: trying again"), 2) << r.err;
  EXPECT_EQ(CountLines(r.err, "server unreachable"), 1) << r.err;
  auto status = Tributary({"runs", "--format", "json", "-n", "1"});
  auto runs = nlohmann::json::parse(status.out);
  std::string id = runs["runs"][0]["run_id"];
  auto one = nlohmann::json::parse(Tributary({"runs", id, "--format", "json"}).out);
  int failed = 0, succeeded = 0, at_once = 0;
  for (const auto& t : one["results"]) {
    if (t["status"] == "succeeded") ++succeeded;
    if (t["status"] != "failed") continue;
    ++failed;
    EXPECT_EQ(t["server"], "down");
    if (t["error"].get<std::string>().find("server down unreachable") != std::string::npos)
      ++at_once;
  }
  EXPECT_EQ(failed, 5) << one.dump(2);
  EXPECT_EQ(at_once, 4) << one.dump(2);
  EXPECT_EQ(succeeded, 4) << "the quickstart's full tables load";
}

TEST_F(CheckCliTest, AnUnwritableSinkFails) {
  // The sink file's folder is a file: nothing can be created there, even as root.
  std::string yml;
  {
    std::ifstream in(project_ / "tributary.yml");
    std::stringstream text;
    text << in.rdbuf();
    yml = text.str();
  }
  yml.replace(yml.find("path: lakehouse.duckdb"), 22, "path: data/shop.db/lake.duckdb");
  std::ofstream(project_ / "tributary.yml") << yml;
  auto r = Tributary({"check", "--tables", "orders"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(LineWith(r.out, {"(sink)", "sink", "fail"}), HasSubstr("lake.duckdb")) << r.out;
  EXPECT_THAT(LineWith(r.out, {"main.orders", "table", "ok"}), Not(""));
}

// A DuckDB file another process holds (a load running) is reported busy — a
// warning, with the holder — instead of waited for.
TEST_F(CheckCliTest, ABusyDuckDbSinkIsAWarningNotAWait) {
  ASSERT_EQ(Tributary({"run", "--tables", "orders"}).exit_code, 0);
  duckdb_database held = nullptr;
  ASSERT_EQ(duckdb_open((project_ / "lakehouse.duckdb").c_str(), &held), DuckDBSuccess);
  auto started = std::chrono::steady_clock::now();
  auto r = Tributary({"check", "--tables", "orders"});
  auto took = std::chrono::steady_clock::now() - started;
  duckdb_close(&held);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(LineWith(r.out, {"(sink)", "sink", "warn"}),
              AllOf(HasSubstr("is in use by"), HasSubstr("lock_wait_seconds (1800 s)")))
      << r.out;
  EXPECT_LT(took, std::chrono::seconds(30));
  EXPECT_THAT(r.out, HasSubstr("1 warnings, 0 failed"));
}

// A Delta sink: a probe object is written under _tributary/ and deleted.
TEST_F(CheckCliTest, ADeltaSinkIsCheckedWithAProbeObject) {
  std::string yml;
  {
    std::ifstream in(project_ / "tributary.yml");
    std::stringstream text;
    text << in.rdbuf();
    yml = text.str();
  }
  std::string duck = "kind: duckdb\n  path: lakehouse.duckdb";
  std::string good = yml, bad = yml;
  good.replace(good.find(duck), duck.size(), "kind: delta\n  path: lake");
  bad.replace(bad.find(duck), duck.size(), "kind: delta\n  path: data/shop.db/lake");
  std::ofstream(project_ / "tributary.yml") << good;
  auto ok = Tributary({"check", "--tables", "orders"});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_THAT(LineWith(ok.out, {"(sink)", "sink", "ok"}),
              HasSubstr("delta store lake is listable and writable"))
      << ok.out;
  EXPECT_TRUE(fs::is_empty(project_ / "lake" / "_tributary")) << "the probe is deleted";
  std::ofstream(project_ / "tributary.yml") << bad;
  auto fail = Tributary({"check", "--tables", "orders"});
  EXPECT_EQ(fail.exit_code, 1) << fail.out << fail.err;
  EXPECT_THAT(LineWith(fail.out, {"(sink)", "sink", "fail"}), HasSubstr("data/shop.db/lake"))
      << fail.out;
}

// A PostgreSQL sink: reachable as its user, who may create tables in the
// sink's schema. A user that may not is told what to grant.
TEST_F(CheckCliTest, APostgresSinkIsCheckedForTheRightToCreateTables) {
  auto& pg = testing::SharedPgCluster();
  std::string db = pg.CreateDatabase();
  pg.Exec(
      "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'check_sink_user') THEN "
      "CREATE ROLE check_sink_user LOGIN; END IF; END $$;");
  std::string yml;
  {
    std::ifstream in(project_ / "tributary.yml");
    std::stringstream text;
    text << in.rdbuf();
    yml = text.str();
  }
  std::string duck = "kind: duckdb\n  path: lakehouse.duckdb";
  auto sink_as = [&](const std::string& user) {
    std::string text = yml;
    text.replace(text.find(duck), duck.size(),
                 "kind: postgresql\n  host: 127.0.0.1\n  port: " + std::to_string(pg.port()) +
                     "\n  database: " + db + "\n  user: " + user + "\n  sslmode: disable");
    std::ofstream(project_ / "tributary.yml") << text;
  };
  sink_as("tributary");
  auto ok = Tributary({"check", "--tables", "orders"});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_THAT(LineWith(ok.out, {"(sink)", "sink", "ok"}),
              HasSubstr("user tributary may create tables in schema bronze"))
      << ok.out;
  // The schemas now exist, owned by tributary: the other user may not create in them.
  pg.Exec("GRANT CONNECT, CREATE ON DATABASE " + db + " TO check_sink_user");
  sink_as("check_sink_user");
  auto fail = Tributary({"check", "--tables", "orders"});
  EXPECT_EQ(fail.exit_code, 1) << fail.out << fail.err;
  EXPECT_THAT(LineWith(fail.out, {"(sink)", "sink", "fail"}),
              HasSubstr("GRANT CREATE ON SCHEMA \"bronze\" TO \"check_sink_user\""))
      << fail.out;
  pg.Exec("DROP DATABASE " + db + " WITH (FORCE)");
}

TEST_F(CheckCliTest, ValidateLintsWithoutSecretsWhileCheckAndRunNeedThem) {
  AddServer(
      "  core:\n    kind: postgresql\n    host: db.internal\n    user: loader\n"
      "    password: ${env:TRIBUTARY_CHECK_TEST_UNSET}\n");
  auto validate = Tributary({"validate"});
  EXPECT_EQ(validate.exit_code, 0) << validate.out << validate.err;
  EXPECT_THAT(validate.out,
              AllOf(HasSubstr("warning: cannot resolve ${env:TRIBUTARY_CHECK_TEST_UNSET}"),
                    HasSubstr("`tributary check` and `run` need it")));
  auto check = Tributary({"check"});
  EXPECT_EQ(check.exit_code, 2) << check.out << check.err;
  EXPECT_THAT(check.err, HasSubstr("error: cannot resolve ${env:TRIBUTARY_CHECK_TEST_UNSET}"));
  auto run = Tributary({"run", "--tables", "orders"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_THAT(run.err, HasSubstr("error: cannot resolve ${env:TRIBUTARY_CHECK_TEST_UNSET}"));
}

// PostgreSQL as a user without SELECT and without REPLICATION: each missing
// right is a failed check naming what to grant.
TEST_F(CheckCliTest, PostgresRightsAndCdcPrerequisitesAreCheckedAsTheConfiguredUser) {
  auto& pg = testing::SharedPgCluster();
  std::string db = pg.CreateDatabase();
  pg.Exec(
      "CREATE TABLE public.orders (id int PRIMARY KEY, amount numeric(10,2), updated_at "
      "timestamptz);"
      "CREATE TABLE public.secret (id int PRIMARY KEY);"
      "ALTER TABLE public.orders REPLICA IDENTITY FULL;",
      db);
  pg.Exec(
      "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'check_reader') THEN "
      "CREATE ROLE check_reader LOGIN; END IF; END $$;");
  pg.Exec("GRANT SELECT ON public.orders TO check_reader", db);
  AddServer("  pg:\n    kind: postgresql\n    host: 127.0.0.1\n    port: " +
            std::to_string(pg.port()) + "\n    user: check_reader\n    sslmode: disable\n");
  WriteFile("ingest/full/pg/db.yml",
            "server: pg\ndatabase: " + db +
                "\nschemas:\n  - name: public\n    tables:\n      - name: secret\n"
                "      - name: ordres\n");
  WriteFile("ingest/cdc/pg/db.yml", "server: pg\ndatabase: " + db +
                                        "\nschemas:\n  - name: public\n    tables:\n"
                                        "      - name: orders\n        sink_table: pg_orders\n");
  auto r = Tributary({"check", "--server", "pg"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(CountLines(r.out, " connect "), 1) << r.out;
  EXPECT_THAT(LineWith(r.out, {"public.secret", "read", "fail"}),
              AllOf(HasSubstr("permission denied"), HasSubstr("grant the configured user SELECT")))
      << r.out;
  EXPECT_THAT(LineWith(r.out, {"public.ordres", "table", "fail"}),
              AllOf(HasSubstr("did you mean 'orders'?"), HasSubstr("ingest/full/pg/db.yml:7")))
      << r.out;
  EXPECT_THAT(LineWith(r.out, {"cdc wal_level", "ok"}), HasSubstr("logical")) << r.out;
  EXPECT_THAT(LineWith(r.out, {"cdc replication", "fail"}),
              HasSubstr("ALTER ROLE \"check_reader\" REPLICATION"))
      << r.out;
  EXPECT_THAT(LineWith(r.out, {"public.orders", "cdc replica identity", "ok"}),
              HasSubstr("REPLICA IDENTITY FULL"))
      << r.out;
  EXPECT_THAT(LineWith(r.out, {"public.orders", "cdc publication", "fail"}),
              HasSubstr("CREATE PUBLICATION"))
      << r.out;
  EXPECT_THAT(LineWith(r.out, {"cdc replication slots"}), HasSubstr("max_replication_slots"))
      << r.out;
  pg.Exec("DROP DATABASE " + db + " WITH (FORCE)");
}

}  // namespace
}  // namespace tributary
