// Log lines: typed JSON fields, the date and milliseconds on every line, and
// the fields of the scopes open on the thread (and on a thread given them).
#include "common/log.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>

namespace tributary {
namespace {

class LogTest : public ::testing::Test {
 protected:
  void TearDown() override { SetLogFormat(LogFormat::kText); }

  // The one line `log` writes to stderr.
  template <typename F>
  std::string Line(F log) {
    ::testing::internal::CaptureStderr();
    log();
    std::string out = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
    return out.substr(0, out.find('\n'));
  }
};

TEST_F(LogTest, JsonFieldsKeepTheirTypes) {
  SetLogFormat(LogFormat::kJson);
  auto j = nlohmann::json::parse(Line([] {
    Log(LogLevel::kInfo, "table loaded",
        {{"table", "t"}, {"rows", int64_t{42}}, {"seconds", 1.5}, {"cdc", true}, {"n", 7u}});
  }));
  EXPECT_EQ(j["table"], "t");
  EXPECT_TRUE(j["rows"].is_number_integer());
  EXPECT_EQ(j["rows"], 42);
  EXPECT_EQ(j["seconds"], 1.5);
  EXPECT_EQ(j["cdc"], true);
  EXPECT_EQ(j["n"], 7);
  EXPECT_TRUE(std::regex_match(j["ts"].get<std::string>(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
      << j.dump();
}

TEST_F(LogTest, TextLinesHaveTheDateAndQuoteWhatNeedsIt) {
  std::string line = Line([] {
    Log(LogLevel::kWarn, "schema change", {{"column", "a b"}, {"rows", 3}, {"seconds", 0.25}});
  });
  EXPECT_TRUE(std::regex_match(
      line, std::regex(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z warn  schema change )"
                       R"(column="a b" rows=3 seconds=0\.250)")))
      << line;
}

TEST_F(LogTest, ScopesAddTheirFieldsAndALinesOwnFieldWins) {
  SetLogFormat(LogFormat::kJson);
  LogScope run(LogFields{{"run_id", "r1"}});
  nlohmann::json inner;
  {
    LogScope table(LogFields{{"table", "t1"}});
    inner = nlohmann::json::parse(Line([] { Log(LogLevel::kInfo, "x", {{"table", "own"}}); }));
    // A thread started for the task carries the scopes it is given.
    std::string from_thread;
    std::thread worker([&, fields = CurrentLogFields()] {
      LogScope scope(fields);
      from_thread = Line([] { Log(LogLevel::kInfo, "batch written"); });
    });
    worker.join();
    auto t = nlohmann::json::parse(from_thread);
    EXPECT_EQ(t["run_id"], "r1");
    EXPECT_EQ(t["table"], "t1");
  }
  EXPECT_EQ(inner["run_id"], "r1");
  EXPECT_EQ(inner["table"], "own");
  auto after = nlohmann::json::parse(Line([] { Log(LogLevel::kInfo, "y"); }));
  EXPECT_EQ(after["run_id"], "r1");
  EXPECT_FALSE(after.contains("table")) << "the table's scope ended";
}

}  // namespace
}  // namespace tributary
