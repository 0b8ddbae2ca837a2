// End to end through the tributary binary against the Power BI service on
// 127.0.0.1 (fake_powerbi.h): `powerbi refresh` with its results in the run
// history of the quickstart's DuckDB sink and in `status`, the next refresh
// doing what the last left undone, and (with dbt installed) `run` building
// the models and then refreshing the tables that read them.
#include <gtest/gtest.h>

#include <fstream>

#include "dbt/dbt_testing.h"
#include "powerbi/fake_powerbi.h"
#include "support/process.h"
#include "support/quickstart.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;
using testing::FakePowerBi;

class PowerBiCliTest : public ::testing::Test {
 protected:
  void SetUp() override { project_ = testing::MakeQuickstartProject(dir_.path()); }

  // The dbt: and powerbi: blocks; `finance_dataset` is the id the finance
  // semantic model names.
  void Configure(const std::string& dbt, const std::string& finance_dataset,
                 const std::string& orders_model = "stg_orders") {
    std::ifstream in(project_ / "tributary.yml");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (base_.empty()) base_ = text;
    std::ofstream(project_ / "tributary.yml")
        << base_ << "\ndbt:\n  project_dir: dbt\n  executable: " << dbt << "\n"
        << "powerbi:\n"
        << "  tenant_id: " << FakePowerBi::kTenant << "\n"
        << "  client_id: " << FakePowerBi::kClientId << "\n"
        << "  client_secret: ${env:TRIBUTARY_TEST_PBI_SECRET}\n"
        << "  authority: " << fake_.Url() << "\n"
        << "  api_url: " << fake_.ApiUrl() << "\n"
        << "  semantic_models:\n"
        << "    sales:\n"
        << "      workspace: Sales Analytics\n"
        << "      dataset: Sales\n"
        << "      tables:\n"
        << "        - table: FactOrders\n"
        << "          model: " << orders_model << "\n"
        << "          incremental: true\n"
        << "        - table: DimCustomer\n"
        << "          model: stg_customers\n"
        << "    finance:\n"
        << "      workspace: " << FakePowerBi::kSalesGroup << "\n"
        << "      dataset: " << finance_dataset << "\n"
        << "      tables:\n"
        << "        - table: FactLedger\n"
        << "          model: stg_order_lines\n";
  }

  testing::ProcessResult Tributary(std::vector<std::string> args) {
    args.insert(args.begin(), {"--project", project_.string()});
    return testing::RunTributary(args, {"TRIBUTARY_TEST_PBI_SECRET=s3cr3t-Value!"});
  }
  std::string Results(const std::string& task_id, const std::string& status) {
    return testing::DuckDbScalar(project_ / "lakehouse.duckdb",
                                 "SELECT count(*) FROM _tributary.task_results WHERE task_id = '" +
                                     task_id + "' AND status = '" + status +
                                     "' AND strategy = 'powerbi'");
  }
  size_t Posts(const std::string& dataset) {
    return fake_.Requests("POST", dataset + "/refreshes").size();
  }

  testing::TempDir dir_{"tributary-pbi-cli"};
  fs::path project_;
  std::string base_;
  FakePowerBi fake_;
};

TEST_F(PowerBiCliTest, RefreshRecordsEachTableAndTheNextRefreshRetriesWhatFailed) {
  const std::string unknown = "99999999-bbbb-cccc-dddd-eeeeeeeeeeee";
  Configure("/nonexistent/dbt", unknown);
  // Without a manifest every table is at dbt's default frequency, daily.
  auto daily = Tributary({"plan", "--frequency", "daily"});
  EXPECT_NE(daily.out.find("3 of 3 Power BI tables refreshed when their dbt models build"),
            std::string::npos)
      << daily.out;
  EXPECT_NE(daily.out.find("stg_order_lines"), std::string::npos) << daily.out;
  auto hourly = Tributary({"plan", "--frequency", "hourly"});
  EXPECT_NE(hourly.out.find("0 of 3 Power BI tables"), std::string::npos) << hourly.out;
  auto first = Tributary({"powerbi", "refresh"});
  EXPECT_EQ(first.exit_code, 1) << first.out << first.err;
  EXPECT_NE(first.err.find("Power BI semantic model 'finance' (workspace "
                           "'11111111-2222-3333-4444-555555555555', dataset '" +
                           unknown +
                           "'), table 'FactLedger': Power BI refused the refresh: "
                           "HTTP 404: ItemNotFound"),
            std::string::npos)
      << first.err;
  EXPECT_EQ(first.err.find("s3cr3t"), std::string::npos) << "the secret leaked";
  EXPECT_NE(first.out.find("2 of 3 tables refreshed"), std::string::npos) << first.out;
  EXPECT_EQ(Results("powerbi.sales.FactOrders", "succeeded"), "1");
  EXPECT_EQ(Results("powerbi.sales.DimCustomer", "succeeded"), "1");
  EXPECT_EQ(Results("powerbi.finance.FactLedger", "failed"), "1");
  auto sales = fake_.Requests("POST", std::string(FakePowerBi::kSalesDataset) + "/refreshes");
  ASSERT_EQ(sales.size(), 1u);
  EXPECT_EQ(sales[0].body,
            R"({"type":"full","commitMode":"transactional","objects":[{"table":"FactOrders"},)"
            R"({"table":"DimCustomer"}],"applyRefreshPolicy":true,"timeout":"02:00:00"})");

  auto status = Tributary({"status"});
  EXPECT_NE(status.out.find("sales.FactOrders"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("finance.FactLedger"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("failing"), std::string::npos) << status.out;
  EXPECT_EQ(status.exit_code, 1);

  // Fixed: an hourly refresh (no table is hourly without a manifest) retries
  // only the table that failed.
  Configure("/nonexistent/dbt", FakePowerBi::kFinanceDataset);
  auto second = Tributary({"powerbi", "refresh", "--frequency", "hourly"});
  EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_EQ(Posts(FakePowerBi::kFinanceDataset), 1u);
  EXPECT_EQ(Posts(FakePowerBi::kSalesDataset), 1u) << "nothing else was due";
  EXPECT_EQ(Results("powerbi.finance.FactLedger", "succeeded"), "1");
}

TEST_F(PowerBiCliTest, RunBuildsTheModelsThenRefreshesTheTablesThatReadThem) {
  TRIBUTARY_REQUIRE_DBT();
  Configure(testing::DbtExecutable().string(), FakePowerBi::kFinanceDataset, "stg_ordrs");
  auto validate = Tributary({"validate"});
  EXPECT_EQ(validate.exit_code, 1) << validate.out << validate.err;
  EXPECT_NE(validate.out.find("tributary.yml:"), std::string::npos);
  EXPECT_NE(validate.out.find("error: table 'FactOrders' of semantic model 'sales' reads dbt "
                              "model 'stg_ordrs', which the dbt project does not have (did you "
                              "mean 'stg_orders'?)"),
            std::string::npos)
      << validate.out;

  Configure(testing::DbtExecutable().string(), FakePowerBi::kFinanceDataset);
  auto load = Tributary({"run", "--no-dbt"});  // every bronze table the hourly models read
  ASSERT_EQ(load.exit_code, 0) << load.out << load.err;
  EXPECT_TRUE(fake_.Requests("POST", "/refreshes").empty()) << "--no-dbt: nothing built";
  auto run = Tributary({"run", "--frequency", "hourly"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  // Hourly: stg_orders and stg_order_lines built, stg_customers (daily) not.
  auto sales = fake_.Requests("POST", std::string(FakePowerBi::kSalesDataset) + "/refreshes");
  ASSERT_EQ(sales.size(), 1u) << run.out;
  EXPECT_EQ(sales[0].body,
            R"({"type":"full","commitMode":"transactional","objects":[{"table":"FactOrders"}],)"
            R"("applyRefreshPolicy":true,"timeout":"02:00:00"})");
  EXPECT_EQ(Posts(FakePowerBi::kFinanceDataset), 1u);
  EXPECT_EQ(Results("powerbi.sales.FactOrders", "succeeded"), "1");
  EXPECT_EQ(Results("powerbi.sales.DimCustomer", "succeeded"), "0");
}

}  // namespace
}  // namespace tributary
