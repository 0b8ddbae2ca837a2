#include "sink/duckdb/history_snapshot.h"

#include <gtest/gtest.h>

#include <fstream>

#include "support/temp_dir.h"

namespace tributary {
namespace {

TEST(HistorySnapshotTest, RoundTripsEveryFieldAndErrorsWhole) {
  testing::TempDir dir;
  auto file = dir / "lake.duckdb";
  EXPECT_FALSE(ReadHistorySnapshot(file).has_value()) << "none written yet";
  TaskResult failed{"r2",
                    "orders",
                    "full",
                    "shop",
                    "shop.db",
                    "orders",
                    "hourly",
                    FromMicros(1'700'000'000'123'456),
                    FromMicros(1'700'000'001'000'001),
                    7,
                    70,
                    "failed",
                    "line one\n\"quoted\" \\ line two"};
  TaskResult ok = failed;
  ok.run_id = "r1";
  ok.status = "succeeded";
  ok.error = "";
  HistorySnapshot written;
  written.written_at = FromMicros(1'700'000'002'000'000);
  TaskHistory orders;
  orders.task_id = "orders";
  orders.last_attempt = failed;
  orders.last_success = ok;
  TaskHistory never;
  never.task_id = "customers";
  written.history = {orders, never};
  WriteHistorySnapshot(file, written);
  EXPECT_EQ(HistorySnapshotPath(file), dir / "lake.duckdb.history.json");

  auto read = ReadHistorySnapshot(file);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->written_at, written.written_at);
  ASSERT_EQ(read->history.size(), 2u);
  const TaskResult& a = *read->history[0].last_attempt;
  EXPECT_EQ(a.run_id, "r2");
  EXPECT_EQ(a.error, failed.error);
  EXPECT_EQ(a.started_at, failed.started_at);
  EXPECT_EQ(a.ended_at, failed.ended_at);
  EXPECT_EQ(a.rows, 7);
  EXPECT_EQ(a.bytes, 70);
  EXPECT_EQ(a.frequency, "hourly");
  EXPECT_EQ(read->history[0].last_success->status, "succeeded");
  EXPECT_EQ(read->history[1].task_id, "customers");
  EXPECT_FALSE(read->history[1].last_attempt);
  EXPECT_FALSE(read->history[1].last_success);

  std::ofstream(HistorySnapshotPath(file)) << "{\"written_us\": 1, \"tas";
  EXPECT_FALSE(ReadHistorySnapshot(file).has_value()) << "a torn copy is no copy";
}

}  // namespace
}  // namespace tributary
