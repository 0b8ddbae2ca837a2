// The per-table lock: a table another run holds is waited for, never loaded
// twice at once. The other holder here is a separate open file description
// (flock's unit), exactly what another process would hold; the last test
// uses a real second process (util-linux flock).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "engine/connectors.h"
#include "engine/runner.h"
#include "support/process.h"
#include "support/quickstart.h"
#include "support/sqlite_fixture.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

using namespace std::chrono_literals;

class CountingObserver final : public RunObserver {
 public:
  void TaskFinished(const Task&, const TaskResult&) override { ++finished; }
  std::atomic<int> finished{0};
};

class RunnerLockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::SqliteExec(dir_ / "src.db", "CREATE TABLE t (id INTEGER); INSERT INTO t VALUES (1);");
    project_ = testing::SqliteProject(dir_.path(), "lock_test");
    project_.tasks = {testing::SqliteTask("t")};
  }
  std::filesystem::path LockFile() const { return dir_ / ".tributary" / "locks" / "src__t.lock"; }
  // Holds the table's lock as another run would; returns the descriptor.
  int HoldLock() {
    std::filesystem::create_directories(LockFile().parent_path());
    int fd = open(LockFile().c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    EXPECT_GE(fd, 0);
    EXPECT_EQ(flock(fd, LOCK_EX | LOCK_NB), 0);
    return fd;
  }

  testing::TempDir dir_;
  Project project_;
};

TEST_F(RunnerLockTest, ATableHeldByAnotherRunIsWaitedForThenLoaded) {
  int held = HoldLock();
  auto sink = OpenSink(project_);
  CountingObserver observer;
  RunSummary summary;
  std::thread run([&] {
    summary = RunTasks(project_, project_.tasks, *sink, SystemClock::Instance(), {}, observer);
  });
  std::this_thread::sleep_for(500ms);  // ample for a one-row load that could start
  EXPECT_EQ(observer.finished.load(), 0) << "the table was loaded while another run held it";
  close(held);
  run.join();
  ASSERT_EQ(summary.results.size(), 1u);
  EXPECT_EQ(summary.results[0].status, "succeeded") << summary.results[0].error;
  std::ifstream in(LockFile());
  std::string holder;
  std::getline(in, holder);
  EXPECT_EQ(holder.rfind("pid " + std::to_string(getpid()) + " run ", 0), 0u) << holder;
}

TEST_F(RunnerLockTest, CancellingAWaitingRunGivesUpTheTable) {
  int held = HoldLock();
  auto sink = OpenSink(project_);
  std::atomic<bool> cancel{false};
  RunOptions options;
  options.cancel = &cancel;
  CountingObserver observer;
  RunSummary summary;
  std::thread run([&] {
    summary = RunTasks(project_, project_.tasks, *sink, SystemClock::Instance(), options, observer);
  });
  std::this_thread::sleep_for(200ms);
  cancel = true;
  run.join();
  close(held);
  ASSERT_EQ(summary.results.size(), 1u);
  EXPECT_EQ(summary.results[0].status, "failed");
  EXPECT_NE(summary.results[0].error.find("waiting for another run"), std::string::npos)
      << summary.results[0].error;
  EXPECT_FALSE(sink->DescribeTable("src__t").has_value());
}

TEST_F(RunnerLockTest, ALockHeldByAnotherProcessIsWaitedFor) {
  std::filesystem::create_directories(LockFile().parent_path());
  auto marker = dir_ / "released";
  // A child process holds the table's lock for a second and leaves a marker
  // just before letting go.
  std::thread holder([&] {
    auto r = testing::RunProcess(
        {"flock", LockFile().string(), "sh", "-c", "sleep 1; touch '" + marker.string() + "'"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
  });
  for (int i = 0; i < 100 && !std::filesystem::exists(LockFile()); ++i) {
    std::this_thread::sleep_for(10ms);
  }
  std::this_thread::sleep_for(200ms);  // the child holds the lock by now
  auto sink = OpenSink(project_);
  CountingObserver observer;
  auto summary = RunTasks(project_, project_.tasks, *sink, SystemClock::Instance(), {}, observer);
  EXPECT_TRUE(std::filesystem::exists(marker))
      << "loaded while the other process held the table's lock";
  holder.join();
  ASSERT_EQ(summary.results.size(), 1u);
  EXPECT_EQ(summary.results[0].status, "succeeded") << summary.results[0].error;
}

TEST_F(RunnerLockTest, AnUnwritableLockFolderFailsTheTableWithAHint) {
  std::ofstream(dir_ / "not_a_dir") << "x";
  project_.scheduler.lock_dir = "not_a_dir/locks";
  auto sink = OpenSink(project_);
  CountingObserver observer;
  auto summary = RunTasks(project_, project_.tasks, *sink, SystemClock::Instance(), {}, observer);
  ASSERT_EQ(summary.results.size(), 1u);
  EXPECT_EQ(summary.results[0].status, "failed");
  EXPECT_NE(summary.results[0].error.find("scheduler.lock_dir"), std::string::npos)
      << summary.results[0].error;
}

}  // namespace
}  // namespace tributary
