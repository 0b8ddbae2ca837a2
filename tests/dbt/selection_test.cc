// Which models a run builds: rule same_or_higher, rule yield at a co-due
// tick, co-due frequencies, and models skipped because their bronze failed.
#include "dbt/selection.h"

#include <gtest/gtest.h>

#include "dbt/dbt_testing.h"

namespace tributary {
namespace {

using testing::AddModel;
using testing::AddSource;

class DbtSelectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    json_ = testing::EmptyManifest();
    AddSource(json_, "shop__events");
    AddSource(json_, "shop__orders");
    AddSource(json_, "shop__customers");
    AddModel(json_, "stg_events", {"every_5_minutes"}, {"source.shop.bronze.shop__events"});
    AddModel(json_, "stg_orders", {"hourly"}, {"source.shop.bronze.shop__orders"});
    AddModel(json_, "stg_customers", {"daily"}, {"source.shop.bronze.shop__customers"});
    AddModel(json_, "orders_enriched", {"hourly"}, {"stg_orders", "stg_events"});
    AddModel(json_, "mart", {}, {"orders_enriched", "stg_customers"});
    manifest_ = testing::Parse(json_);
    project_ = testing::MakeProject({{"shop__events", "every_5_minutes"},
                                     {"shop__orders", "hourly"},
                                     {"shop__customers", "daily"}});
  }

  std::vector<std::string> Names(const std::vector<ModelPick>& picks) {
    std::vector<std::string> out;
    for (const auto& p : picks) out.push_back(p.model->name);
    return out;
  }
  ModelSelection Select(std::vector<std::string> frequencies, std::set<std::string> failed = {},
                        std::optional<TimePoint> now = std::nullopt) {
    return SelectModels(project_, manifest_, {std::move(frequencies), std::move(failed), now});
  }

  nlohmann::json json_;
  Manifest manifest_;
  Project project_;
};

// 2026-03-02 05:00:00 UTC: a tick of daily (05:00), hourly and every_5_minutes.
const TimePoint kDailyTick = TimePoint(std::chrono::seconds(1772427600));

TEST_F(DbtSelectionTest, SameOrHigherBuildsTheFrequencyAndEveryMoreFrequentOne) {
  EXPECT_EQ(Names(Select({"every_5_minutes"}).build), std::vector<std::string>{"stg_events"});
  EXPECT_EQ(Names(Select({"hourly"}).build),
            (std::vector<std::string>{"orders_enriched", "stg_events", "stg_orders"}));
  EXPECT_EQ(Names(Select({"daily"}).build),
            (std::vector<std::string>{"mart", "orders_enriched", "stg_customers", "stg_events",
                                      "stg_orders"}));
  EXPECT_EQ(Names(Select({}).build).size(), 5u);
}

TEST_F(DbtSelectionTest, CoDueFrequenciesBuildEachModelOnce) {
  auto s = Select({"hourly", "daily", "every_5_minutes"});
  EXPECT_EQ(Names(s.build), (std::vector<std::string>{"mart", "orders_enriched", "stg_customers",
                                                      "stg_events", "stg_orders"}));
  EXPECT_TRUE(s.yielded.empty());
}

TEST_F(DbtSelectionTest, YieldLeavesACoDueTickToTheLessFrequentRun) {
  project_.dbt.selection = "yield";
  auto at_daily = Select({"hourly"}, {}, kDailyTick + std::chrono::seconds(3));
  EXPECT_TRUE(at_daily.build.empty()) << Names(at_daily.build).size();
  EXPECT_EQ(at_daily.yielded, std::vector<std::string>{"hourly → daily"});
  auto later = Select({"hourly"}, {}, kDailyTick + std::chrono::hours(1));
  EXPECT_EQ(Names(later.build).size(), 3u);
  EXPECT_TRUE(later.yielded.empty());
  // The daily run itself, and a run holding both, never yield.
  EXPECT_EQ(Names(Select({"daily"}, {}, kDailyTick).build).size(), 5u);
  EXPECT_EQ(Names(Select({"hourly", "daily"}, {}, kDailyTick).build).size(), 5u);
  project_.dbt.selection = "same_or_higher";
  EXPECT_EQ(Names(Select({"hourly"}, {}, kDailyTick).build).size(), 3u);
}

TEST_F(DbtSelectionTest, ModelsDownstreamOfAFailedBronzeTableAreSkippedWithTheReason) {
  auto s = Select({"daily"}, {"shop__orders"});
  EXPECT_EQ(Names(s.build), (std::vector<std::string>{"stg_customers", "stg_events"}));
  ASSERT_EQ(s.skipped.size(), 3u);
  std::map<std::string, std::string> why;
  for (const auto& k : s.skipped) why[k.pick.model->name] = k.reason;
  EXPECT_EQ(why["stg_orders"], "upstream bronze table shop__orders failed in this run");
  EXPECT_NE(why["orders_enriched"].find("upstream model stg_orders cannot be built"),
            std::string::npos);
  EXPECT_NE(why["mart"].find("upstream model orders_enriched"), std::string::npos);
}

TEST_F(DbtSelectionTest, SelectArgumentsNameModelsByFqn) {
  auto s = Select({"every_5_minutes"});
  EXPECT_EQ(SelectArguments(s.build), std::vector<std::string>{"shop.staging.stg_events"});
}

}  // namespace
}  // namespace tributary
