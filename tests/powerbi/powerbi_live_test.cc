// The refresh step against a real Power BI workspace, only when its
// environment is given (nothing here can reach one otherwise):
//   TRIBUTARY_POWERBI_TENANT, TRIBUTARY_POWERBI_CLIENT_ID,
//   TRIBUTARY_POWERBI_CLIENT_SECRET (the service principal, a workspace
//   member), TRIBUTARY_POWERBI_WORKSPACE, TRIBUTARY_POWERBI_DATASET (ids or
//   names), TRIBUTARY_POWERBI_TABLE (a table of that semantic model), and
//   optionally TRIBUTARY_POWERBI_CAPACITY (default premium).
#include <gtest/gtest.h>

#include <cstdlib>

#include "powerbi/refresh_runner.h"

namespace tributary {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

TEST(PowerBiLiveTest, RefreshesOneTableOfARealSemanticModel) {
  for (const char* name : {"TRIBUTARY_POWERBI_TENANT", "TRIBUTARY_POWERBI_CLIENT_ID",
                           "TRIBUTARY_POWERBI_CLIENT_SECRET", "TRIBUTARY_POWERBI_WORKSPACE",
                           "TRIBUTARY_POWERBI_DATASET", "TRIBUTARY_POWERBI_TABLE"}) {
    if (Env(name).empty()) GTEST_SKIP() << name << " is not set: no Power BI workspace to test on";
  }
  Project project;
  project.dir = "/";
  PowerBiConfig& p = project.powerbi;
  p.enabled = true;
  p.tenant_id = "${env:TRIBUTARY_POWERBI_TENANT}";
  p.client_id = "${env:TRIBUTARY_POWERBI_CLIENT_ID}";
  p.client_secret = "${env:TRIBUTARY_POWERBI_CLIENT_SECRET}";
  if (!Env("TRIBUTARY_POWERBI_CAPACITY").empty()) p.capacity = Env("TRIBUTARY_POWERBI_CAPACITY");
  PowerBiSemanticModel model;
  model.name = "live";
  model.workspace = Env("TRIBUTARY_POWERBI_WORKSPACE");
  model.dataset = Env("TRIBUTARY_POWERBI_DATASET");
  PowerBiTable table;
  table.table = Env("TRIBUTARY_POWERBI_TABLE");
  table.model = "live";
  model.tables = {table};
  p.semantic_models = {model};
  RefreshOptions options;
  options.timeout = std::chrono::minutes(30);
  auto outcomes =
      RunRefreshes(project, PlanRefreshes(project, nullptr, {}), options, SystemClock::Instance());
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].status, "succeeded") << outcomes[0].error;
  EXPECT_FALSE(outcomes[0].request_id.empty());
}

}  // namespace
}  // namespace tributary
