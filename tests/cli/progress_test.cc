// Without a terminal, a table still loading is reported every interval.
#include "cli/progress.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "common/log.h"

namespace tributary::cli {
namespace {

TEST(ProgressLineTest, WithAnEstimateShowsPercentAndEta) {
  // 25,000 of 100,000 rows in 10 s: 75,000 more at 2,500 rows/s is 30 s.
  std::string line = ProgressLine("shop__events", 25000, 100000, 10.0);
  EXPECT_NE(line.find("25,000 / 100,000 (25%) rows"), std::string::npos) << line;
  EXPECT_NE(line.find("2,500 rows/s"), std::string::npos) << line;
  EXPECT_TRUE(line.ends_with("ETA 00:30")) << line;
  EXPECT_TRUE(ProgressLine("t", 1, 10000, 1.0).ends_with("ETA 2:46:39"));
  // Past a stale estimate: 99%, no ETA.
  std::string past = ProgressLine("t", 120, 100, 2.0);
  EXPECT_NE(past.find("120 / 100 (99%) rows"), std::string::npos) << past;
  EXPECT_EQ(past.find("ETA"), std::string::npos) << past;
}

TEST(ProgressLineTest, WithoutAnEstimateShowsRowsAndRateOnly) {
  std::string line = ProgressLine("shop__events", 25000, -1, 10.0);
  EXPECT_NE(line.find("shop__events"), std::string::npos);
  EXPECT_NE(line.find(" 25,000 rows"), std::string::npos) << line;
  EXPECT_NE(line.find("2,500 rows/s"), std::string::npos) << line;
  EXPECT_EQ(line.find('%'), std::string::npos) << line;
  EXPECT_EQ(line.find("ETA"), std::string::npos) << line;
}

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
