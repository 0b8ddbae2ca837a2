// Writers racing for one Delta version through a store's put-if-absent: each
// version is won by exactly one writer, the losers re-read the log and commit
// on top (blind appends) or give up with a conflict (rewrites), and no commit
// is lost or doubled. Runs against every store the test machine has.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "clients/duckdb/duckdb_handles.h"
#include "common/error.h"
#include "sink/delta/delta_table.h"
#include "support/store_fixture.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

using nlohmann::json;

DuckDatabase OpenDuck() {
  DuckDatabase db;
  if (duckdb_open(nullptr, db.out()) == DuckDBError) throw std::runtime_error("duckdb");
  return db;
}

DuckConnection Connect(const DuckDatabase& db) {
  DuckConnection conn;
  if (duckdb_connect(db.get(), conn.out()) == DuckDBError) throw std::runtime_error("connect");
  return conn;
}

DeltaCommitPlan CreatePlan() {
  DeltaCommitPlan plan;
  plan.protocol = json{{"minReaderVersion", 1}, {"minWriterVersion", 2}};
  plan.metadata = json{{"id", "race"},
                       {"format", {{"provider", "parquet"}, {"options", json::object()}}},
                       {"schemaString", R"({"type":"struct","fields":[]})"},
                       {"partitionColumns", json::array()},
                       {"configuration", json::object()},
                       {"createdTime", 1}};
  return plan;
}

DeltaCommitPlan AppendPlan(int writer, int n) {
  DeltaCommitPlan plan;
  plan.read_version = 0;
  plan.adds.push_back(json{{"path", fmt::format("part-{}-{}.parquet", writer, n)},
                           {"partitionValues", json::object()},
                           {"size", 1},
                           {"modificationTime", 1},
                           {"dataChange", true}});
  plan.txn = std::make_pair(fmt::format("writer-{}", writer), int64_t{n});
  return plan;
}

class DeltaCommitRaceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    store_ = testing::OpenTestStore(GetParam());
    TRIBUTARY_REQUIRE_STORE(store_, GetParam());
    storage_ = std::make_unique<DeltaStorage>(std::move(store_), scratch_.path());
  }
  testing::TempDir scratch_;
  std::unique_ptr<ObjectStore> store_;
  std::unique_ptr<DeltaStorage> storage_;
  DuckDatabase db_ = OpenDuck();
};

TEST_P(DeltaCommitRaceTest, BlindAppendsOfRacingWritersAllLandOnce) {
  DuckConnection setup = Connect(db_);
  DeltaTable creator(*storage_, "race", "race", setup.get());
  ASSERT_EQ(creator.Commit(CreatePlan(), 1), 0);
  constexpr int kWriters = 4, kCommits = 5;
  std::atomic<bool> go{false};
  std::vector<std::string> errors(kWriters);
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      DuckConnection conn = Connect(db_);
      while (!go) std::this_thread::yield();
      try {
        for (int n = 1; n <= kCommits; ++n) {
          DeltaTable table(*storage_, "race", "race", conn.get());  // a fresh writer each time
          table.Commit(AppendPlan(w, n), 2);
        }
      } catch (const Error& e) {
        errors[w] = e.what();
      }
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  for (const std::string& e : errors) EXPECT_EQ(e, "");
  DeltaTable reader(*storage_, "race", "race", setup.get());
  const auto& snapshot = reader.Refresh();
  ASSERT_TRUE(snapshot);
  EXPECT_EQ(snapshot->version, kWriters * kCommits);
  EXPECT_EQ(snapshot->files.size(), static_cast<size_t>(kWriters * kCommits));
  for (int w = 0; w < kWriters; ++w)
    EXPECT_EQ(snapshot->TxnVersion(fmt::format("writer-{}", w)), kCommits);
}

TEST_P(DeltaCommitRaceTest, ARewriteLosingTheRaceConflictsInsteadOfOverwriting) {
  DuckConnection conn = Connect(db_);
  DeltaTable creator(*storage_, "race", "race", conn.get());
  ASSERT_EQ(creator.Commit(CreatePlan(), 1), 0);
  DeltaTable slow(*storage_, "race", "race", conn.get());
  slow.Refresh();
  DeltaTable fast(*storage_, "race", "race", conn.get());
  fast.Refresh();
  ASSERT_EQ(fast.Commit(AppendPlan(1, 1), 2), 1);
  DeltaCommitPlan rewrite = AppendPlan(2, 1);
  rewrite.rewrites = true;  // a merge planned on version 0
  try {
    slow.Commit(rewrite, 3);
    FAIL() << "a rewrite planned on version 0 committed over version 1";
  } catch (const SinkError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("another writer committed version 1"));
  }
  EXPECT_EQ(storage_->store().Get("race/_delta_log/00000000000000000002.json"), std::nullopt);
  DeltaTable again(*storage_, "race", "race", conn.get());
  EXPECT_EQ(again.Refresh()->files.size(), 1u);
}

TEST_P(DeltaCommitRaceTest, ARetriedCommitWhoseTxnLandedIsNotDoubled) {
  DuckConnection conn = Connect(db_);
  DeltaTable table(*storage_, "race", "race", conn.get());
  ASSERT_EQ(table.Commit(CreatePlan(), 1), 0);
  ASSERT_EQ(table.Commit(AppendPlan(1, 1), 2), 1);
  DeltaTable retry(*storage_, "race", "race", conn.get());  // e.g. after a lost response
  EXPECT_EQ(retry.Commit(AppendPlan(1, 1), 3), std::nullopt);
  EXPECT_EQ(retry.Refresh()->version, 1);
}

INSTANTIATE_TEST_SUITE_P(Stores, DeltaCommitRaceTest,
                         ::testing::ValuesIn(testing::TestStoreKinds()),
                         [](const auto& param) { return param.param; });

}  // namespace
}  // namespace tributary
