// Several processes on one DuckDB sink file (DuckDB lets one process open it
// at a time): a command waits for the file, bounded by the sink's
// lock_wait_seconds, saying what it waits for, instead of failing. Real
// processes: the tributary binary, and DuckDB's own Python client from .venv
// holding the file.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include "support/pg_cluster.h"
#include "support/process.h"
#include "support/quickstart.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;
using testing::ProcessResult;
using testing::RunProcess;
using testing::RunTributary;

class SharedSinkCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tributary-shared-XXXXXX";
    dir_ = mkdtemp(tmpl);
    project_ = testing::MakeQuickstartProject(dir_);
    python_ = fs::path(TRIBUTARY_SOURCE_DIR) / ".venv" / "bin" / "python";
  }
  void TearDown() override { fs::remove_all(dir_); }

  ProcessResult Tributary(std::vector<std::string> args) {
    args.insert(args.begin(), {"--project", project_.string()});
    return RunTributary(args);
  }
  // Starts a process that opens the sink file with DuckDB's Python client and
  // keeps it open `seconds`; returns once the file is held.
  std::future<ProcessResult> HoldSinkFile(int seconds) {
    fs::path marker = dir_ / "held";
    std::string script =
        "import duckdb, pathlib, time\n"
        "c = duckdb.connect('" +
        (project_ / "lakehouse.duckdb").string() +
        "')\n"
        "pathlib.Path('" +
        marker.string() +
        "').touch()\n"
        "time.sleep(" +
        std::to_string(seconds) + ")\n";
    auto holder = std::async(std::launch::async, [this, script] {
      return RunProcess({python_.string(), "-c", script});
    });
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!fs::exists(marker) && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_TRUE(fs::exists(marker)) << "the holder never opened the file";
    return holder;
  }
  bool HavePython() {
    if (fs::exists(python_)) return true;
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string(ci) == "true") ADD_FAILURE() << "no " << python_;
    return false;
  }
  std::string Bronze(const std::string& sql) {
    return testing::DuckDbScalar(project_ / "lakehouse.duckdb", sql);
  }

  fs::path dir_, project_, python_;
};

TEST_F(SharedSinkCliTest, ARunWaitsForTheFileAnotherProcessHoldsAndSaysSo) {
  if (!HavePython()) GTEST_SKIP() << "DuckDB's Python client is not in .venv";
  ASSERT_EQ(Tributary({"run", "--tables", "products"}).exit_code, 0);
  auto holder = HoldSinkFile(3);
  auto start = std::chrono::steady_clock::now();
  auto run = Tributary({"run", "--tables", "customers"});
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(holder.get().exit_code, 0);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_GE(took, std::chrono::seconds(1)) << "it cannot have loaded while the file was held";
  EXPECT_NE(run.err.find("waiting for the sink file: another process has it open"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("held_by=\"PID "), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("lakehouse.duckdb"), std::string::npos) << run.err;
  EXPECT_EQ(Bronze("SELECT count(*) FROM _tributary.task_results WHERE status = 'succeeded'"), "3");
}

TEST_F(SharedSinkCliTest, TheWaitIsBoundedByLockWaitSeconds) {
  if (!HavePython()) GTEST_SKIP() << "DuckDB's Python client is not in .venv";
  ASSERT_EQ(Tributary({"run", "--tables", "products"}).exit_code, 0);
  std::ifstream in(project_ / "tributary.yml");
  std::stringstream text;
  text << in.rdbuf();
  std::string yml = text.str();
  yml.replace(yml.find("  schema: bronze\n"), 17, "  schema: bronze\n  lock_wait_seconds: 1\n");
  std::ofstream(project_ / "tributary.yml") << yml;
  auto holder = HoldSinkFile(5);
  auto run = Tributary({"run", "--tables", "customers"});
  EXPECT_EQ(holder.get().exit_code, 0);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("is in use by PID "), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("gave up after 1 s (sink setting lock_wait_seconds)"), std::string::npos)
      << run.err;
}

// `status` does not wait for a file a run holds: it shows the history as of
// that run's last record, from the snapshot beside the file, and says so.
TEST_F(SharedSinkCliTest, StatusAnswersWhileAnotherProcessHoldsTheFile) {
  if (!HavePython()) GTEST_SKIP() << "DuckDB's Python client is not in .venv";
  ASSERT_EQ(Tributary({"run", "--tables", "products"}).exit_code, 0);
  ASSERT_TRUE(fs::exists(project_ / "lakehouse.duckdb.history.json"));
  auto holder = HoldSinkFile(6);
  auto start = std::chrono::steady_clock::now();
  auto status = Tributary({"status", "--tables", "products,orders"});
  auto json = Tributary({"status", "--tables", "products", "--format", "json"});
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, std::chrono::seconds(4)) << "status waited for the file";
  EXPECT_EQ(status.exit_code, 1) << "orders was never loaded\n" << status.err;
  EXPECT_NE(status.err.find("showing the run history as of"), std::string::npos) << status.err;
  EXPECT_NE(status.err.find("the sink file is in use by PID "), std::string::npos) << status.err;
  std::istringstream lines(status.out);
  int products = 0, never = 0;
  for (std::string line; std::getline(lines, line);) {
    products += line.find("shop__products") != std::string::npos &&
                (line.find(" ok ") != std::string::npos || line.find(" due ") != std::string::npos);
    never += line.find("shop__orders") != std::string::npos &&
             line.find("never loaded") != std::string::npos;
  }
  EXPECT_EQ(products, 1) << status.out;
  EXPECT_EQ(never, 1) << status.out;
  EXPECT_EQ(json.exit_code, 0) << json.err;
  EXPECT_NE(json.out.find("\"rows\": 200"), std::string::npos) << json.out;
  EXPECT_EQ(holder.get().exit_code, 0);
}

// The same with a real load: a `tributary run` whose query takes seconds at a
// PostgreSQL source holds the file while `tributary status` answers.
TEST_F(SharedSinkCliTest, StatusAnswersWhileATributaryRunLoads) {
  auto& pg = testing::SharedPgCluster();
  std::string db = pg.CreateDatabase();
  std::ifstream in(project_ / "tributary.yml");
  std::stringstream text;
  text << in.rdbuf();
  std::string yml = text.str();
  const std::string shop = "    directory: data\n";
  yml.insert(yml.find(shop) + shop.size(),
             "  pg:\n    kind: postgresql\n    host: 127.0.0.1\n    port: " +
                 std::to_string(pg.port()) + "\n    user: tributary\n    sslmode: disable\n");
  std::ofstream(project_ / "tributary.yml") << yml;
  fs::create_directories(project_ / "ingest" / "query" / "pg");
  std::ofstream(project_ / "ingest" / "query" / "pg" / (db + ".yml"))
      << "server: pg\ndatabase: " << db
      << "\nschemas:\n  - name: public\n    tables:\n      - name: slow\n        query: "
         "SELECT 1 AS x FROM pg_sleep(4)\n";
  ASSERT_EQ(Tributary({"run", "--tables", "products"}).exit_code, 0);
  auto load = std::async(std::launch::async, [this] {
    return Tributary({"run", "--tables", "slow"});
  });
  // Until the run has the file (its start is recorded in the copy), status
  // may open the file itself; after that it must read the copy.
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  ProcessResult status;
  do {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    status = Tributary({"status", "--tables", "products"});
  } while (status.err.find("the sink file is in use by") == std::string::npos &&
           std::chrono::steady_clock::now() < give_up);
  auto loaded = load.get();
  EXPECT_EQ(loaded.exit_code, 0) << loaded.err;
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.err.find("the sink file is in use by PID "), std::string::npos) << status.err;
  EXPECT_NE(status.err.find("tributary)"), std::string::npos) << "the holder is the run\n"
                                                              << status.err;
  EXPECT_NE(status.out.find("shop__products"), std::string::npos) << status.out;
}

// The crons of two frequencies firing at the same minute: both runs load.
TEST_F(SharedSinkCliTest, TwoRunsStartedTogetherBothLoad) {
  auto hourly = std::async(std::launch::async, [this] {
    return Tributary({"run", "--frequency", "hourly"});
  });
  auto daily = Tributary({"run", "--frequency", "daily"});
  auto first = hourly.get();
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(daily.exit_code, 0) << daily.err;
  std::string waits = "waiting for the sink file";
  EXPECT_TRUE(first.err.find(waits) != std::string::npos ||
              daily.err.find(waits) != std::string::npos)
      << "the runs overlapped, so one waited for the other:\n"
      << first.err << daily.err;
  EXPECT_EQ(Bronze("SELECT count(*) FROM _tributary.task_results WHERE status = 'succeeded'"), "6");
  EXPECT_EQ(Bronze("SELECT count(*) FROM _tributary.runs WHERE status = 'succeeded'"), "2");
  EXPECT_EQ(Tributary({"status", "--frequency", "hourly,daily"}).exit_code, 0);
}

}  // namespace
}  // namespace tributary
