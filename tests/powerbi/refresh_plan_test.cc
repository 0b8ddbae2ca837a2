// Which Power BI tables a step refreshes: after the dbt step of a run, on
// their own, with filters, and again after a failure.
#include "powerbi/refresh_plan.h"

#include <gtest/gtest.h>

#include "dbt/dbt_testing.h"

namespace tributary {
namespace {

using testing::AddModel;
using testing::MakeProject;

class RefreshPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    project_ = MakeProject({});
    auto json = testing::EmptyManifest();
    AddModel(json, "fct_orders", {"hourly"}, {});
    AddModel(json, "dim_customers", {}, {});  // daily, the default
    AddModel(json, "fct_ledger", {"daily"}, {});
    manifest_ = testing::Parse(json);
    project_.powerbi.enabled = true;
    PowerBiSemanticModel sales;
    sales.name = "sales";
    sales.tables = {Table("FactOrders", "fct_orders", ""),
                    Table("FactOrdersDaily", "fct_orders", "daily"),
                    Table("DimCustomer", "dim_customers", "")};
    PowerBiSemanticModel finance;
    finance.name = "finance";
    finance.tables = {Table("FactLedger", "fct_ledger", "")};
    project_.powerbi.semantic_models = {sales, finance};
  }

  static PowerBiTable Table(const std::string& name, const std::string& model,
                            const std::string& frequency) {
    PowerBiTable t;
    t.table = name;
    t.model = model;
    t.frequency = frequency;
    return t;
  }

  void Record(const std::string& task_id, const std::string& run_id, const std::string& status) {
    TaskResult r;
    r.task_id = task_id;
    r.run_id = run_id;
    r.status = status;
    history_.push_back(
        {task_id, r, status == "succeeded" ? std::optional(r) : std::nullopt, std::nullopt});
  }

  // "sales: FactOrders, DimCustomer | finance: FactLedger | skipped: …"
  std::string Describe(const RefreshPlan& plan) {
    std::string out;
    for (const auto& r : plan.refreshes) {
      out += (out.empty() ? "" : " | ") + r.semantic_model->name + ":";
      for (const auto& t : r.tables) out += " " + t.table->table;
    }
    for (const auto& s : plan.skipped) out += " | skipped " + s.ref.table->table;
    return out;
  }

  RefreshPlan Plan(RefreshPlanRequest request) {
    request.history = history_;
    return PlanRefreshes(project_, &manifest_, request);
  }

  Project project_;
  Manifest manifest_;
  std::vector<TaskHistory> history_;
};

TEST_F(RefreshPlanTest, TablesTakeTheirModelsFrequencyUnlessTheyNameOne) {
  auto all = AllPowerBiTables(project_, &manifest_);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].frequency, "hourly");
  EXPECT_EQ(all[0].task_id, "powerbi.sales.FactOrders");
  EXPECT_EQ(all[1].frequency, "daily");
  EXPECT_EQ(all[2].frequency, "daily");
  EXPECT_EQ(AllPowerBiTables(project_, nullptr)[0].frequency, "daily") << "no manifest: default";
}

TEST_F(RefreshPlanTest, InARunTheTablesWhoseModelsTheDbtStepBuiltAreDue) {
  Record("model.shop.fct_orders", "run-2", "succeeded");
  Record("model.shop.dim_customers", "run-1", "succeeded");  // an earlier run
  RefreshPlanRequest hourly;
  hourly.frequencies = {"hourly"};
  hourly.dbt_run_id = "run-2";
  EXPECT_EQ(Describe(Plan(hourly)), "sales: FactOrders") << "FactOrdersDaily waits for daily";
  Record("model.shop.dim_customers", "run-3", "succeeded");
  Record("model.shop.fct_orders", "run-3", "succeeded");
  Record("model.shop.fct_ledger", "run-3", "succeeded");
  RefreshPlanRequest daily;
  daily.frequencies = {"daily"};
  daily.dbt_run_id = "run-3";
  EXPECT_EQ(Describe(Plan(daily)),
            "sales: FactOrders FactOrdersDaily DimCustomer | finance: FactLedger")
      << "one request per semantic model, co-due frequencies together";
}

TEST_F(RefreshPlanTest, AModelThatFailedInTheRunSkipsItsTablesAsFailures) {
  Record("model.shop.fct_orders", "run-2", "failed");
  RefreshPlanRequest hourly;
  hourly.frequencies = {"hourly"};
  hourly.dbt_run_id = "run-2";
  auto plan = Plan(hourly);
  EXPECT_EQ(Describe(plan), " | skipped FactOrders");
  ASSERT_EQ(plan.skipped.size(), 1u);
  EXPECT_EQ(plan.skipped[0].reason,
            "not refreshed: its dbt model 'fct_orders' failed in run run-2 (see `tributary dbt "
            "error fct_orders`)");
}

TEST_F(RefreshPlanTest, AModelTheRunLeftUnchangedRefreshesNothing) {
  Record("model.shop.fct_orders", "run-2", "unchanged");
  RefreshPlanRequest hourly;
  hourly.frequencies = {"hourly"};
  hourly.dbt_run_id = "run-2";
  EXPECT_EQ(Describe(Plan(hourly)), "");
}

TEST_F(RefreshPlanTest, ATableWhoseRefreshFailedIsDueAgainOnceItsModelBuilt) {
  Record("model.shop.fct_orders", "run-2", "succeeded");
  Record("model.shop.fct_ledger", "run-1", "succeeded");
  Record("powerbi.finance.FactLedger", "run-1", "failed");
  RefreshPlanRequest hourly;
  hourly.frequencies = {"hourly"};
  hourly.dbt_run_id = "run-2";
  EXPECT_EQ(Describe(Plan(hourly)), "sales: FactOrders | finance: FactLedger");
}

TEST_F(RefreshPlanTest, OnItsOwnFrequencyAndFiltersSelectAndFailedModelsSkip) {
  RefreshPlanRequest all;
  EXPECT_EQ(Describe(Plan(all)),
            "sales: FactOrders FactOrdersDaily DimCustomer | finance: FactLedger");
  RefreshPlanRequest hourly;
  hourly.frequencies = {"hourly"};
  EXPECT_EQ(Describe(Plan(hourly)), "sales: FactOrders");
  RefreshPlanRequest some;
  some.models = {"sales"};
  some.tables = {"DimCustomer", "powerbi.sales.FactOrders"};
  EXPECT_EQ(Describe(Plan(some)), "sales: FactOrders DimCustomer");
  Record("model.shop.fct_ledger", "run-1", "failed");
  RefreshPlanRequest finance;
  finance.models = {"finance"};
  EXPECT_EQ(Describe(Plan(finance)), " | skipped FactLedger");
}

}  // namespace
}  // namespace tributary
