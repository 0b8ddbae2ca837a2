// `tributary schedule run --http`: the status page served live from the
// scheduler's process while its runs load the quickstart every 2 seconds —
// every answer arrives (no fight with the loads for the DuckDB file) and
// shows the runs as they land.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "support/loopback_http_server.h"
#include "support/process.h"
#include "support/quickstart.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ScheduleHttpTest, TheSchedulerServesThePageWhileItsRunsLoad) {
  testing::TempDir dir;
  fs::path project = testing::MakeQuickstartProject(dir.path());
  std::string yml = ReadFile(project / "tributary.yml");
  yml = std::regex_replace(yml, std::regex(R"(cron: "[^"]*")"), R"(cron: "*/2 * * * * ?")");
  std::ofstream(project / "tributary.yml") << yml;
  int port = testing::FreeLoopbackPort();
  fs::path err = dir.path() / "schedule.err", pid = dir.path() / "schedule.pid";
  testing::ProcessResult result;
  std::thread scheduler([&] {
    result = testing::RunProcess(
        {"sh", "-c",
         "echo $$ > '" + pid.string() + "'; exec '" TRIBUTARY_BINARY "' --project '" +
             project.string() + "' schedule run --http 127.0.0.1:" + std::to_string(port) +
             " 2> '" + err.string() + "'"});
  });
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(10);
  int answered = 0, refused = 0, loaded_runs = 0;
  std::string orders_health, last_body;
  auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < std::chrono::seconds(90)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    auto status = client.Get("/api/status");
    if (!status) {
      ++refused;  // not listening yet
      continue;
    }
    ASSERT_EQ(status->status, 200) << status->body;
    ++answered;
    last_body = status->body.substr(0, 600);
    json body = json::parse(status->body);
    for (const auto& t : body["tables"]) {
      if (t["task_id"] == "shop__orders" && t["last_success"].is_object()) {
        orders_health = t["health"];  // ok, or due when a tick (every 2 s) just passed
      }
    }
    auto runs = client.Get("/api/runs?limit=50");
    ASSERT_TRUE(runs && runs->status == 200);
    loaded_runs = 0;
    json listed = json::parse(runs->body);
    for (const auto& r : listed["runs"]) loaded_runs += r["tasks_total"] > 0;
    auto metrics = client.Get("/metrics");
    ASSERT_TRUE(metrics && metrics->status == 200);
    if (loaded_runs >= 3 && answered >= 10) break;
  }
  kill(std::stoi(ReadFile(pid)), SIGTERM);
  scheduler.join();
  std::string log = ReadFile(err);
  EXPECT_EQ(result.exit_code, 0) << log;
  EXPECT_NE(log.find("serving the status page"), std::string::npos) << log;
  EXPECT_GE(loaded_runs, 3) << "runs landed while the page was served\n" << log;
  EXPECT_GE(answered, 10) << refused << " requests refused; last error "
                          << httplib::to_string(client.Get("/healthz").error());
  EXPECT_TRUE(orders_health == "ok" || orders_health == "due") << last_body;
  EXPECT_EQ(log.find("waiting"), std::string::npos) << "a load waited for the sink file\n" << log;
}

}  // namespace
}  // namespace tributary
