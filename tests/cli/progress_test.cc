// Without a terminal, a table still loading is reported every interval.
#include "cli/progress.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "common/log.h"

namespace tributary::cli {
namespace {

TEST(ConsoleProgressTest, ReportsALongLoadPeriodicallyWithoutATerminal) {
  SetLogFormat(LogFormat::kJson);
  Task task;
  task.server = "shop";
  task.sink_table = "shop__events";
  TaskProgress progress;
  RunRecord run;
  run.run_id = "r-progress";
  run.tasks_total = 1;
  ::testing::internal::CaptureStderr();
  {
    ConsoleProgress console(false, std::chrono::milliseconds(100));
    console.RunStarted(run);
    console.TaskStarted(task, progress);
    progress.Add(5000, 1000);
    std::this_thread::sleep_for(std::chrono::milliseconds(450));
  }
  std::string err = ::testing::internal::GetCapturedStderr();
  SetLogFormat(LogFormat::kText);
  int reports = 0;
  std::istringstream in(err);
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line);
    if (j["msg"] != "table progress") continue;
    ++reports;
    EXPECT_EQ(j["run_id"], "r-progress");
    EXPECT_EQ(j["table"], "shop__events");
    EXPECT_EQ(j["rows"], 5000);
    EXPECT_GT(j["rows_per_second"].get<double>(), 0);
    EXPECT_GE(j["seconds"].get<double>(), 0.1);
  }
  EXPECT_GE(reports, 2) << err;
  EXPECT_LE(reports, 5) << err;
}

}  // namespace
}  // namespace tributary::cli
