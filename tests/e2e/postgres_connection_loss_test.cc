// The connection to PostgreSQL drops in the middle of a load (backend
// terminated, server stopped): the load fails with a clear error, the sink
// table keeps its previous content, and the next run loads it again.
#include <thread>

#include "support/pg_fixture.h"

namespace tributary {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

// Exposes the running task's live row count to the test thread.
class ProgressWatch final : public RunObserver {
 public:
  void TaskStarted(const Task&, const TaskProgress& progress) override { progress_ = &progress; }
  void TaskFinished(const Task&, const TaskResult&) override { progress_ = nullptr; }
  // Blocks until the task has handed rows to the sink.
  void WaitForRows() const {
    for (int i = 0; i < 3000; ++i) {
      const TaskProgress* p = progress_.load();
      if (p != nullptr && p->rows() > 0) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("the load never wrote a row");
  }

 private:
  std::atomic<const TaskProgress*> progress_{nullptr};
};

class PostgresConnectionLossTest : public testing::PgFixture {
 protected:
  PostgresConnectionLossTest() {
    limits_ = BatchLimits{1000, 1 << 20};
    // These tests watch a load fail; retries (tested below) would wait at the gate.
    project_.servers[0].settings["retry_attempts"] = "1";
    // 50 000 rows of ~110 bytes reach the sink before the gate; 10 000 follow.
    CreateGatedView(60000, 50000);
  }

  // Loads version 1 of `slow`, then starts loading version 2 and calls
  // `break_connection` once rows of it have reached the sink. Returns the
  // failed load's error.
  std::string LoadAndBreak(const std::function<void(const std::string& pid)>& break_connection) {
    RunSummary first = Run({MakeTask("slow")});
    EXPECT_EQ(first.results.at(0).status, "succeeded") << first.results.at(0).error;
    SetGate(false, 2);
    ProgressWatch watch;
    RunSummary second;
    std::thread load([&] { second = Run({MakeTask("slow")}, &watch); });
    std::string pid = WaitAtGate();
    watch.WaitForRows();
    break_connection(pid);
    load.join();
    EXPECT_EQ(second.results.at(0).status, "failed");
    EXPECT_GT(second.results.at(0).rows, 0);  // it was in the middle of the load
    return second.results.at(0).error;
  }

  void ExpectVersion(int version) {
    EXPECT_EQ(Bronze("SELECT count(*) || ' rows of version ' || min(version) || '-' || "
                     "max(version) FROM bronze.pg__slow"),
              std::vector<std::string>{"60000 rows of version " + std::to_string(version) + "-" +
                                       std::to_string(version)});
  }

  void ExpectNextRunRecovers() {
    SetGate(true, 3);
    RunSummary next = Run({MakeTask("slow")});
    EXPECT_EQ(next.results.at(0).status, "succeeded") << next.results.at(0).error;
    ExpectVersion(3);
  }
};

TEST_F(PostgresConnectionLossTest, ATerminatedBackendFailsTheLoadAndTheNextRunRecovers) {
  std::string error = LoadAndBreak(
      [&](const std::string& pid) { Scalar("SELECT pg_terminate_backend(" + pid + ")"); });
  EXPECT_THAT(error, AllOf(HasSubstr("postgresql server 'pg' database '" + database_ + "'"),
                           HasSubstr("reading table 'public.slow' failed after"),
                           HasSubstr("terminating connection due to administrator command"),
                           HasSubstr("run it again")));
  ExpectVersion(1);
  ExpectNextRunRecovers();
}

TEST_F(PostgresConnectionLossTest, AStoppedServerFailsTheLoadAndTheNextRunRecovers) {
  std::string error = LoadAndBreak([&](const std::string&) { pg_.Stop(); });
  pg_.Start();
  EXPECT_THAT(error,
              AllOf(HasSubstr("postgresql server 'pg' database '" + database_ + "'"),
                    HasSubstr("reading table 'public.slow' failed after"),
                    HasSubstr("the connection to the server was lost"), HasSubstr("run it again")));
  ExpectVersion(1);
  ExpectNextRunRecovers();
}

// With retries on (the default), the same terminated backend is a transient
// error: the load is tried again from the start on a new connection, and
// bronze ends equal to the source, each row once.
TEST_F(PostgresConnectionLossTest, ATerminatedBackendIsRetriedAndBronzeEqualsTheSource) {
  project_.servers[0].settings["retry_attempts"] = "3";
  RunSummary first = Run({MakeTask("slow")});
  ASSERT_EQ(first.results.at(0).status, "succeeded") << first.results.at(0).error;
  SetGate(false, 2);
  ProgressWatch watch;
  RunSummary second;
  std::thread load([&] { second = Run({MakeTask("slow")}, &watch); });
  std::string pid = WaitAtGate();
  watch.WaitForRows();
  Scalar("SELECT pg_terminate_backend(" + pid + ")");
  SetGate(true, 2);
  load.join();
  EXPECT_EQ(second.results.at(0).status, "succeeded") << second.results.at(0).error;
  EXPECT_EQ(second.results.at(0).rows, 60000);
  ExpectVersion(2);
  EXPECT_EQ(Bronze("SELECT count(DISTINCT id) FROM bronze.pg__slow"),
            std::vector<std::string>{"60000"});
}

}  // namespace
}  // namespace tributary
