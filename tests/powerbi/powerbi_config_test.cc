// The powerbi: block of tributary.yml as the loader reads it (its problems
// are the golden case tests/config/golden/powerbi).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "config/loader.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

constexpr const char* kProject = R"(project: shop
sink:
  kind: duckdb
  path: lake.duckdb
frequencies:
  hourly:
    cron: "0 0 * * * ?"
    timezone: UTC
dbt:
  project_dir: dbt
powerbi:
  tenant_id: ${env:TRIBUTARY_TEST_PBI_TENANT}
  client_id: 00000000-0000-0000-0000-000000000001
  client_secret: ${file:secrets/pbi}
  capacity: fabric
  timeout_minutes: 45
  authority: https://login.microsoftonline.us/
  api_url: https://api.powerbigov.us/v1.0/myorg
  scope: https://analysis.usgovcloudapi.net/powerbi/api/.default
  semantic_models:
    sales:
      workspace: Sales Analytics
      dataset: 11111111-2222-3333-4444-555555555555
      tables:
        - table: FactOrders
          model: fct_orders
          incremental: true
        - {table: DimCustomer, model: dim_customers, frequency: hourly}
)";

TEST(PowerBiConfigTest, TheBlockIsReadWithItsPlacesAndNationalCloudUrls) {
  testing::TempDir dir("tributary-pbi-config");
  std::filesystem::create_directories(dir / "dbt");
  std::filesystem::create_directories(dir / "secrets");
  std::ofstream(dir / "dbt" / "dbt_project.yml") << "name: shop\n";
  std::ofstream(dir / "secrets" / "pbi") << "secret\n";
  std::ofstream(dir / "tributary.yml") << kProject;
  setenv("TRIBUTARY_TEST_PBI_TENANT", "contoso", 1);
  LoadResult result = LoadProject(dir.path());
  ASSERT_FALSE(result.diagnostics.HasErrors()) << result.diagnostics.RenderText();
  const PowerBiConfig& p = result.project->powerbi;
  EXPECT_TRUE(p.enabled);
  EXPECT_EQ(p.tenant_id, "${env:TRIBUTARY_TEST_PBI_TENANT}") << "resolved only when used";
  EXPECT_EQ(p.client_secret, "${file:secrets/pbi}");
  EXPECT_EQ(p.capacity, "fabric");
  EXPECT_EQ(p.timeout_minutes, 45);
  EXPECT_EQ(p.authority, "https://login.microsoftonline.us") << "trailing slash dropped";
  EXPECT_EQ(p.api_url, "https://api.powerbigov.us/v1.0/myorg");
  EXPECT_EQ(p.scope, "https://analysis.usgovcloudapi.net/powerbi/api/.default");
  ASSERT_EQ(p.semantic_models.size(), 1u);
  const auto& sales = p.semantic_models[0];
  EXPECT_EQ(sales.name, "sales");
  EXPECT_EQ(sales.workspace, "Sales Analytics");
  EXPECT_EQ(sales.dataset, "11111111-2222-3333-4444-555555555555");
  ASSERT_EQ(sales.tables.size(), 2u);
  EXPECT_EQ(sales.tables[0].table, "FactOrders");
  EXPECT_EQ(sales.tables[0].model, "fct_orders");
  EXPECT_TRUE(sales.tables[0].incremental);
  EXPECT_EQ(sales.tables[0].frequency, "");
  EXPECT_EQ(sales.tables[0].where.line, 25);
  EXPECT_EQ(sales.tables[0].model_where.line, 26);
  EXPECT_FALSE(sales.tables[1].incremental);
  EXPECT_EQ(sales.tables[1].frequency, "hourly");
  EXPECT_EQ(sales.tables[1].frequency_where.line, 28);
}

}  // namespace
}  // namespace tributary
