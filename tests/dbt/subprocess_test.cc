// Running a real program with its output in a log file, a timeout and a
// missing executable.
#include "dbt/subprocess.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "dbt/dbt_error.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

std::string Read(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(DbtSubprocessTest, KeepsOutputExitStatusDirectoryAndEnvironment) {
  testing::TempDir dir;
  SubprocessSpec spec;
  spec.args = {"sh", "-c", "echo out; echo err >&2; pwd; echo \"$TRIBUTARY_X\"; exit 3"};
  spec.cwd = dir.path();
  spec.env = {"TRIBUTARY_X=forty-two"};
  spec.log_file = dir / "logs" / "run.log";
  SubprocessResult r = RunSubprocess(spec);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_FALSE(r.timed_out);
  std::string log = Read(spec.log_file);
  EXPECT_NE(log.find("out\n"), std::string::npos) << log;
  EXPECT_NE(log.find("err\n"), std::string::npos) << log;
  EXPECT_NE(log.find(std::filesystem::canonical(dir.path()).string()), std::string::npos) << log;
  EXPECT_NE(log.find("forty-two"), std::string::npos) << log;
  // A second run appends: nothing of the first is lost.
  RunSubprocess(spec);
  EXPECT_EQ(Read(spec.log_file).find("forty-two"), log.find("forty-two"));
  EXPECT_NE(Read(spec.log_file).rfind("forty-two"), log.find("forty-two"));
}

TEST(DbtSubprocessTest, ATimeoutStopsTheProgramAndItsChildren) {
  testing::TempDir dir;
  SubprocessSpec spec;
  spec.args = {"sh", "-c", "sleep 30 & sleep 30; echo never"};
  spec.log_file = dir / "run.log";
  spec.timeout = std::chrono::seconds(1);
  auto started = std::chrono::steady_clock::now();
  SubprocessResult r = RunSubprocess(spec);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.exit_code, 128 + SIGTERM);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  EXPECT_EQ(Read(spec.log_file).find("never"), std::string::npos);
}

TEST(DbtSubprocessTest, AMissingExecutableIsAClearError) {
  testing::TempDir dir;
  SubprocessSpec spec;
  spec.args = {"no-such-dbt-here"};
  spec.log_file = dir / "run.log";
  try {
    RunSubprocess(spec);
    FAIL() << "started";
  } catch (const DbtError& e) {
    EXPECT_NE(std::string(e.what()).find("no-such-dbt-here"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(FindExecutable("no-such-dbt-here", dir.path()).empty());
  EXPECT_EQ(FindExecutable("sh", dir.path()).filename(), "sh");
  EXPECT_TRUE(FindExecutable("bin/dbt", dir.path()).empty());
}

}  // namespace
}  // namespace tributary
