// Who owns a replication slot: two sinks of projects with the same name
// capture the same table. Default slots are one per sink; a slot named in
// the config that another sink created is refused (never read, never
// dropped) until taken over explicitly, and the sink it was taken from then
// stops with a gap.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/error.h"
#include "common/fault_point.h"
#include "source/postgres/pg_cdc_reader.h"
#include "support/cdc_fixture.h"

namespace tributary::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class CdcOwnershipTest : public CdcFixture {
 protected:
  CdcOwnershipTest() {
    other_ = project_;  // same project name, another sink file
    other_.sink.path = "other.duckdb";
    Exec(
        "CREATE TABLE accounts (id int PRIMARY KEY, name text);"
        "ALTER TABLE accounts REPLICA IDENTITY FULL;"
        "INSERT INTO accounts VALUES (1, 'ann'), (2, 'bob')");
  }

  TaskResult RunOther(const Task& task, bool take_over = false) {
    auto sink = OpenSink(other_);
    RunOptions options;
    options.limits = limits_;
    if (take_over) {
      options.reload.kind = Reload::Kind::kBackfill;
      options.reload.take_over = true;
    }
    RunObserver quiet;
    return RunTasks(other_, {task}, *sink, clock_, options, quiet).results.at(0);
  }
  std::vector<std::string> Names(const std::filesystem::path& file, const std::string& table) {
    return DuckDbColumn(file, "SELECT _op || ':' || id || ':' || name FROM bronze." + table +
                                  " ORDER BY _commit_lsn, _seq, id");
  }
  std::vector<std::string> Mine(const Task& task) {
    return Names(dir_.path() / "lake.duckdb", task.sink_table);
  }
  std::vector<std::string> Others(const Task& task) {
    return Names(dir_.path() / "other.duckdb", task.sink_table);
  }
  int Slots() {
    return std::stoi(
        Scalar("SELECT count(*) FROM pg_replication_slots WHERE database = current_database()"));
  }

  Project other_;
};

TEST_F(CdcOwnershipTest, DefaultSlotsAreOnePerSinkAndNamedAfterIt) {
  Task task = CdcTask("accounts");
  RunOk(task);
  std::string mine = SlotName(task);
  std::string base = DefaultPgCdcName(project_.name, task.sink_table);
  EXPECT_EQ(mine.rfind(base + "_", 0), 0u) << mine;
  EXPECT_EQ(mine.size(), base.size() + 9) << "the sink's digest: 8 hex digits";

  ASSERT_EQ(RunOther(task).status, "succeeded");
  EXPECT_EQ(Slots(), 2) << "each sink its own slot: the first one is untouched";
  Exec("INSERT INTO accounts VALUES (3, 'cy')");
  RunOk(task);
  ASSERT_EQ(RunOther(task).status, "succeeded");
  EXPECT_THAT(Mine(task),
              ::testing::ElementsAre("snapshot:1:ann", "snapshot:2:bob", "insert:3:cy"));
  EXPECT_THAT(Others(task),
              ::testing::ElementsAre("snapshot:1:ann", "snapshot:2:bob", "insert:3:cy"));
}

TEST_F(CdcOwnershipTest, AnotherSinksNamedSlotIsRefusedUntilTakenOver) {
  Task task = CdcTask("accounts");
  task.options.slot = database_ + "_shared";
  RunOk(task);
  Exec("INSERT INTO accounts VALUES (3, 'cy')");

  TaskResult refused = RunOther(task);
  ASSERT_EQ(refused.status, "failed");
  EXPECT_THAT(refused.error, HasSubstr("replication slot '" + database_ + "_shared'"));
  EXPECT_THAT(refused.error, HasSubstr("is not this sink's capture"));
  EXPECT_THAT(refused.error, HasSubstr("server 'pg'"));
  EXPECT_THAT(refused.error, HasSubstr(database_));
  EXPECT_THAT(refused.error, HasSubstr("public.accounts"));
  EXPECT_THAT(refused.error, HasSubstr("tributary backfill --tables pg__accounts --take-over"));
  EXPECT_THAT(refused.error, Not(HasSubstr("GAP —"))) << "a refusal, not a gap";

  // The first sink streams on, with the change made before the refusal.
  RunOk(task);
  Exec("INSERT INTO accounts VALUES (4, 'dee')");
  RunOk(task);
  EXPECT_THAT(Mine(task), ::testing::ElementsAre("snapshot:1:ann", "snapshot:2:bob", "insert:3:cy",
                                                 "insert:4:dee"));
  EXPECT_EQ(SlotConfirmed(task), Scalar("SELECT '" + StoredPosition(task) + "'::pg_lsn::text"));

  // Taken over: the other sink snapshots into the slot; the first one's
  // next run is a gap, and nothing of its history is lost.
  TaskResult taken = RunOther(task, true);
  ASSERT_EQ(taken.status, "succeeded") << taken.error;
  EXPECT_THAT(Others(task), ::testing::ElementsAre("snapshot:1:ann", "snapshot:2:bob",
                                                   "snapshot:3:cy", "snapshot:4:dee"));
  Exec("INSERT INTO accounts VALUES (5, 'eve')");
  ASSERT_EQ(RunOther(task).status, "succeeded");
  EXPECT_EQ(Others(task).back(), "insert:5:eve");
  TaskResult gap = RunOne(task);
  EXPECT_EQ(gap.status, "failed");
  EXPECT_THAT(gap.error, HasSubstr("GAP"));
  EXPECT_THAT(gap.error, HasSubstr("took the slot over"));
  EXPECT_EQ(Mine(task).size(), 4u);
}

// A run that fails between creating its slot and committing its snapshot
// leaves a slot and no state. A default slot says whose it is: the next run
// takes it back. A slot named in the config cannot say so: refused, and
// --take-over is the way on.
TEST_F(CdcOwnershipTest, ASlotLeftByAFailedFirstRunIsTakenBackWhenItsNameSaysWhose) {
  Task task = CdcTask("accounts");
  Task named = task;
  named.sink_table = "pg__accounts_named";
  named.options.slot = database_ + "_named";
  SetFaultHandler([](std::string_view point) {
    if (point == "cdc.snapshot_written") throw Error("killed before the snapshot committed");
  });
  EXPECT_EQ(RunOne(task).status, "failed");
  EXPECT_EQ(RunOne(named).status, "failed");
  SetFaultHandler(nullptr);
  EXPECT_EQ(Slots(), 2);
  EXPECT_EQ(SlotName(task), "") << "nothing committed";

  RunOk(task);
  EXPECT_EQ(Slots(), 2);
  TaskResult refused = RunOne(named);
  EXPECT_EQ(refused.status, "failed");
  EXPECT_THAT(refused.error, HasSubstr("--take-over"));
  TaskResult taken = Backfill(named, true);
  ASSERT_EQ(taken.status, "succeeded") << taken.error;
  Exec("INSERT INTO accounts VALUES (3, 'cy')");
  RunOk(task);
  RunOk(named);
  EXPECT_EQ(Mine(task).back(), "insert:3:cy");
  EXPECT_EQ(Mine(named).back(), "insert:3:cy");
}

}  // namespace
}  // namespace tributary::testing
