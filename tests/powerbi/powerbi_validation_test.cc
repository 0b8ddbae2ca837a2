// The Power BI checks of `validate` against dbt's manifest: every problem at
// once, each at the line of tributary.yml that causes it.
#include "powerbi/powerbi_validation.h"

#include <gtest/gtest.h>

#include "dbt/dbt_testing.h"

namespace tributary {
namespace {

using testing::AddModel;
using testing::MakeProject;

PowerBiTable Table(const std::string& name, const std::string& model, const std::string& frequency,
                   int line) {
  PowerBiTable t;
  t.table = name;
  t.model = model;
  t.frequency = frequency;
  t.where = {"tributary.yml", line, 11};
  t.model_where = {"tributary.yml", line + 1, 18};
  t.frequency_where = {"tributary.yml", line + 2, 22};
  return t;
}

class PowerBiValidationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    project_ = MakeProject({});
    FrequencyConfig every_3_hours;
    every_3_hours.name = "every_3_hours";
    every_3_hours.cron = "0 0 0/3 * * ?";
    every_3_hours.timezone = "UTC";
    project_.frequencies.push_back(every_3_hours);
    auto json = testing::EmptyManifest();
    AddModel(json, "fct_orders", {"hourly"}, {});
    AddModel(json, "dim_customers", {}, {});
    AddModel(json, "fct_ledger", {"every_3_hours"}, {});
    manifest_ = testing::Parse(json);
    project_.powerbi.enabled = true;
    PowerBiSemanticModel sales;
    sales.name = "sales";
    sales.where = {"tributary.yml", 20, 5};
    sales.tables = {Table("FactOrders", "fct_orders", "", 23),
                    Table("DimCustomer", "dim_customer", "", 27),
                    Table("DimCustomerLive", "dim_customers", "hourly", 31)};
    PowerBiSemanticModel finance;
    finance.name = "finance";
    finance.where = {"tributary.yml", 40, 5};
    finance.tables = {Table("FactLedger", "fct_ledger", "", 43)};
    project_.powerbi.semantic_models = {sales, finance};
  }

  Project project_;
  Manifest manifest_;
};

TEST_F(PowerBiValidationTest, EveryProblemAtOnceAtItsLine) {
  Diagnostics d;
  ValidatePowerBi(project_, manifest_, d);
  EXPECT_EQ(d.RenderText(),
            "tributary.yml:28:18: error: table 'DimCustomer' of semantic model 'sales' reads dbt "
            "model 'dim_customer', which the dbt project does not have (did you mean "
            "'dim_customers'?)\n"
            "  hint: name a model of the dbt project (its file name without .sql)\n"
            "tributary.yml:33:22: error: table 'DimCustomerLive' of semantic model 'sales' "
            "refreshes hourly but its dbt model 'dim_customers' builds daily: a refresh follows a "
            "build, so it would never refresh hourly\n"
            "  hint: leave out 'frequency' (the table then refreshes daily), or tag the model "
            "'hourly' in dbt\n");
}

TEST_F(PowerBiValidationTest, SharedCapacityAllowsEightRefreshesADayPerSemanticModel) {
  project_.powerbi.capacity = "shared";
  project_.powerbi.semantic_models[0].tables = {Table("DimCustomer", "dim_customers", "", 23)};
  Diagnostics eight;
  ValidatePowerBi(project_, manifest_, eight);
  EXPECT_EQ(eight.ErrorCount(), 0u) << "every 3 hours is 8 a day: " << eight.RenderText();
  project_.powerbi.semantic_models[1].tables.push_back(
      Table("FactLedgerDaily", "fct_ledger", "daily", 47));
  Diagnostics d;
  ValidatePowerBi(project_, manifest_, d);
  auto all = d.Sorted();
  ASSERT_EQ(all.size(), 3u) << d.RenderText();
  // sales: daily only, 1 a day: fine, but a whole-model refresh.
  EXPECT_EQ(all[0].severity, Severity::kWarning);
  EXPECT_EQ(all[0].where.line, 20);
  EXPECT_NE(all[0].message.find("no table-level refresh"), std::string::npos);
  // finance: every 3 hours (8 a day) plus daily is one too many.
  EXPECT_EQ(all[1].where.line, 40);
  EXPECT_EQ(all[1].severity, Severity::kError) << d.RenderText();
  EXPECT_EQ(all[1].message,
            "semantic model 'finance' would refresh about 9 times a day (daily about 1 a day, "
            "every_3_hours about 8 a day), but shared capacity allows 8 refreshes a day");
  EXPECT_EQ(all[2].severity, Severity::kWarning);
}

}  // namespace
}  // namespace tributary
