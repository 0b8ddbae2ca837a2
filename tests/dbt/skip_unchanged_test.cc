// skip_unchanged: a selected model is left out only when it was built before
// from the same SQL and nothing it reads — bronze tables, upstream models in
// this run or another — changed since that build started.
#include "dbt/skip_unchanged.h"

#include <gtest/gtest.h>

#include <fstream>

#include "dbt/dbt_testing.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

using testing::AddModel;
using testing::AddSource;

TimePoint At(int minutes) { return TimePoint(std::chrono::minutes(29'000'000 + minutes)); }

class SkipUnchangedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    json_ = testing::EmptyManifest();
    AddSource(json_, "shop__events");
    AddSource(json_, "shop__orders");
    AddSource(json_, "crm__accounts");  // in the bronze schema, not loaded by tributary
    AddModel(json_, "stg_events", {"hourly"}, {"source.shop.bronze.shop__events"});
    AddModel(json_, "stg_orders", {"hourly"}, {"source.shop.bronze.shop__orders"});
    AddModel(json_, "orders_enriched", {"hourly"}, {"stg_orders", "stg_events"});
    AddModel(json_, "mart", {"hourly"}, {"orders_enriched"});
    project_ = testing::MakeProject({{"shop__events", "hourly"}, {"shop__orders", "hourly"}});
    Reparse();
  }
  void Reparse() {
    manifest_ = testing::Parse(json_);
    build_ = AllModels(project_, manifest_, FrequencyRank(project_.frequencies));
  }

  // A load or build of `id` from minute `start` to `end`.
  void Result(const std::string& id, int start, int end, int64_t rows,
              const std::string& status = "succeeded") {
    TaskResult r;
    r.run_id = "run-" + std::to_string(start);  // one run per start minute
    r.task_id = id;
    r.started_at = At(start);
    r.ended_at = At(end);
    r.rows = rows;
    r.status = status;
    TaskHistory& h = history_[id];
    h.task_id = id;
    h.last_attempt = r;
    if (IsSuccess(r)) h.last_success = r;
    if (r.status == "succeeded" && r.rows != 0) h.last_change = r;
  }
  // Every model built by one run's dbt build at minute 10 from its current
  // SQL; both tables loaded rows at minute 5.
  void BuiltOnce() {
    Result("shop__events", 4, 5, 100);
    Result("shop__orders", 4, 5, 100);
    for (const auto& pick : build_) {
      Result(pick.model->unique_id, 10, 11, -1);
      stamps_[pick.model->unique_id] = BuildStamp(project_, *pick.model);
    }
  }

  std::vector<std::string> Unchanged() {
    std::vector<TaskHistory> history;
    for (const auto& [id, h] : history_) history.push_back(h);
    std::vector<std::string> names;
    for (const auto& u : DropUnchanged(project_, manifest_, history, stamps_, build_)) {
      names.push_back(u.pick.model->name);
    }
    return names;
  }
  std::vector<std::string> Built() const {
    std::vector<std::string> names;
    for (const auto& pick : build_) names.push_back(pick.model->name);
    return names;
  }

  nlohmann::json json_;
  Manifest manifest_;
  Project project_;
  std::vector<ModelPick> build_;
  std::map<std::string, TaskHistory> history_;
  BuildStamps stamps_;
};

TEST_F(SkipUnchangedTest, ModelsNeverBuiltAreBuilt) {
  Result("shop__events", 4, 5, 100);
  Result("shop__orders", 4, 5, 100);
  EXPECT_TRUE(Unchanged().empty());
  EXPECT_EQ(Built().size(), 4u);
}

TEST_F(SkipUnchangedTest, NothingChangedSinceTheBuildLeavesEveryModelOut) {
  BuiltOnce();
  Result("shop__events", 20, 21, 0);  // loads that landed nothing
  Result("shop__orders", 20, 21, 0);
  EXPECT_EQ(Unchanged(),
            (std::vector<std::string>{"mart", "orders_enriched", "stg_events", "stg_orders"}));
  EXPECT_TRUE(Built().empty());
}

TEST_F(SkipUnchangedTest, ATableThatLandedRowsRebuildsItsModelsAndTheirDescendants) {
  BuiltOnce();
  Result("shop__orders", 20, 21, 3);
  EXPECT_EQ(Unchanged(), std::vector<std::string>{"stg_events"});
  EXPECT_EQ(Built(), (std::vector<std::string>{"mart", "orders_enriched", "stg_orders"}));
}

TEST_F(SkipUnchangedTest, ALoadThatEndedWhileTheModelWasBuildingCountsAsAChange) {
  BuiltOnce();                        // the models' builds started at minute 10
  Result("shop__events", 8, 12, 7);   // another process's load
  Result("shop__events", 30, 31, 0);  // the later empty load does not hide it
  EXPECT_EQ(Unchanged(), std::vector<std::string>{"stg_orders"});
}

TEST_F(SkipUnchangedTest, AnUnchangedParentBuiltByAnotherRunRebuildsItsChildren) {
  BuiltOnce();
  // stg_orders was built at minute 30 by a run that did not build the mart.
  Result("model.shop.stg_orders", 30, 31, -1);
  stamps_["model.shop.stg_orders"] =
      BuildStamp(project_, *manifest_.FindModel("model.shop.stg_orders"));
  EXPECT_EQ(Unchanged(), (std::vector<std::string>{"stg_events", "stg_orders"}));
  EXPECT_EQ(Built(), (std::vector<std::string>{"mart", "orders_enriched"}));
}

TEST_F(SkipUnchangedTest, AnUnchangedRecordDoesNotMoveTheBuildTime) {
  BuiltOnce();
  Result("shop__events", 20, 21, 5);
  // An `unchanged` record is not a build: the rows landed at minute 21 still
  // count against the build that started at minute 10.
  Result("model.shop.stg_events", 25, 25, 0, "unchanged");
  EXPECT_EQ(Unchanged(), std::vector<std::string>{"stg_orders"});
}

TEST_F(SkipUnchangedTest, AFailedLastAttemptIsRetried) {
  BuiltOnce();
  Result("model.shop.stg_events", 20, 21, 0, "failed");
  EXPECT_EQ(Unchanged(), std::vector<std::string>{"stg_orders"});
  Result("model.shop.stg_orders", 22, 22, 0, "skipped");
  build_ = AllModels(project_, manifest_, FrequencyRank(project_.frequencies));
  EXPECT_TRUE(Unchanged().empty());
}

TEST_F(SkipUnchangedTest, ChangedSqlRebuildsTheModelAndItsDescendants) {
  BuiltOnce();
  json_["nodes"]["model.shop.stg_events"]["checksum"] = {{"name", "sha256"}, {"checksum", "new"}};
  Reparse();
  EXPECT_EQ(Unchanged(), std::vector<std::string>{"stg_orders"});
}

TEST_F(SkipUnchangedTest, ChangedVarsRebuildEveryModel) {
  BuiltOnce();
  project_.dbt.vars["start_date"] = "2026-01-01";
  EXPECT_TRUE(Unchanged().empty());
}

TEST_F(SkipUnchangedTest, ModelsReadingWhatTributaryDoesNotLoadAreAlwaysBuilt) {
  AddModel(json_, "stg_accounts", {"hourly"}, {"source.shop.bronze.crm__accounts"});
  AddModel(json_, "stg_countries", {"hourly"}, {"seed.shop.countries"});
  Reparse();
  BuiltOnce();
  EXPECT_EQ(Unchanged(),
            (std::vector<std::string>{"mart", "orders_enriched", "stg_events", "stg_orders"}));
  EXPECT_EQ(Built(), (std::vector<std::string>{"stg_accounts", "stg_countries"}));
}

TEST_F(SkipUnchangedTest, StampsSurviveAFileAndAMissingFileReadsAsEmpty) {
  testing::TempDir dir("tributary-stamps");
  auto file = dir.path() / "build_stamps.json";
  EXPECT_TRUE(LoadBuildStamps(file).empty());
  SaveBuildStamps(file, {{"model.shop.a", "0123 {}"}, {"model.shop.b", "4567 {}"}});
  BuildStamps read = LoadBuildStamps(file);
  EXPECT_EQ(read.size(), 2u);
  EXPECT_EQ(read["model.shop.b"], "4567 {}");
  std::ofstream(file) << "not json";
  EXPECT_TRUE(LoadBuildStamps(file).empty());
}

TEST(ManifestFingerprintTest, FollowsTheSqlTheConfigAndTheMacrosCalled) {
  auto json = testing::EmptyManifest();
  AddModel(json, "m", {"hourly"}, {});
  json["nodes"]["model.shop.m"]["depends_on"]["macros"] = {"macro.shop.cents"};
  json["macros"]["macro.shop.cents"] = {{"macro_sql", "{% macro cents(x) %}x*100{% endmacro %}"}};
  auto fingerprint = [&] { return testing::Parse(json).models.at(0).fingerprint; };
  std::string first = fingerprint();
  EXPECT_EQ(first.size(), 16u);
  EXPECT_EQ(fingerprint(), first);
  json["macros"]["macro.shop.cents"]["macro_sql"] = "{% macro cents(x) %}x*1000{% endmacro %}";
  std::string macro_changed = fingerprint();
  EXPECT_NE(macro_changed, first);
  json["nodes"]["model.shop.m"]["config"]["materialized"] = "table";
  EXPECT_NE(fingerprint(), macro_changed);
}

}  // namespace
}  // namespace tributary
