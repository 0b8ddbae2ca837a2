// The dbt checks of `validate`, on the real v12 manifest with its tags and
// sources rewritten to exercise each rule, and on small manifests.
#include "dbt/dbt_validation.h"

#include <gtest/gtest.h>

#include "dbt/dbt_testing.h"

namespace tributary {
namespace {

using testing::AddModel;
using testing::AddSource;
using testing::MakeProject;

// Every diagnostic as "file: severity: message" lines.
std::string Render(const Diagnostics& d) { return d.RenderText(); }

TEST(DbtValidationTest, TheRealManifestWithRewrittenTagsReportsEveryProblemAtOnce) {
  auto json = testing::ReadJson(testing::ReferenceFile("manifest-v12-dbt_analytics.json"));
  auto tag = [&](const std::string& id, std::vector<std::string> tags) {
    json["nodes"]["model.analytics." + id]["config"]["tags"] = tags;
    json["nodes"]["model.analytics." + id]["tags"] = tags;
  };
  tag("stg_csparc__transactions", {"hourly", "daily"});       // two tags
  tag("stg_rms__products", {"hourlyy"});                      // typo
  tag("stg_google_ads__campaigns", {"weekly", "marketing"});  // undeclared
  tag("stg_facebook_ads__campaigns", {"hourly"});             // reads a daily table
  tag("dim_marketing__dim_campaigns", {"every_5_minutes"});   // above its parents
  for (auto& [id, source] : json["sources"].items()) source["schema"] = "bronze";
  Project project = MakeProject({{"transactions", "hourly"},
                                 {"products", "daily"},
                                 {"campaigns", "daily"},
                                 {"accounts", "daily"},
                                 {"clickstream_hits", "hourly"},
                                 {"individual_emails", "daily"},
                                 {"individual_party_keys", "daily"}});
  Diagnostics d;
  ValidateDbtProject(project, testing::Parse(json), d);
  std::string text = Render(d);
  EXPECT_NE(text.find("dbt/models/staging/csparc/stg_csparc__transactions.sql: error: model "
                      "'stg_csparc__transactions' has 2 frequency tags: hourly, daily"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("stg_rms__products.sql: error: model 'stg_rms__products' has tag "
                      "'hourlyy', which is not a declared frequency (did you mean 'hourly'?)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("stg_google_ads__campaigns.sql: warning: model 'stg_google_ads__campaigns' "
                      "has tag 'weekly', which looks like a frequency"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("'marketing'"), std::string::npos) << "not a frequency word: " << text;
  EXPECT_NE(text.find("warning: model 'stg_facebook_ads__campaigns' runs hourly but reads bronze "
                      "table 'campaigns', loaded daily"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("warning: model 'dim_marketing__dim_campaigns' runs every_5_minutes but "
                      "depends on model 'stg_facebook_ads__campaigns', built hourly"),
            std::string::npos)
      << text;
  // The real project reads two sources tributary does not load here? No: all
  // nine point at loaded tables, so no source error.
  EXPECT_EQ(text.find("does not load"), std::string::npos) << text;
  EXPECT_EQ(d.ErrorCount(), 2u) << text;
}

TEST(DbtValidationTest, ASourceInTheBronzeSchemaMustBeLoaded) {
  auto json = testing::EmptyManifest();
  AddSource(json, "shop__orderz");
  AddSource(json, "SHOP__CUSTOMERS");
  AddSource(json, "elsewhere", "raw");  // another schema: not tributary's
  AddModel(json, "stg_orders", {}, {"source.shop.bronze.shop__orderz"});
  Project project = MakeProject({{"shop__orders", "hourly"}, {"shop__customers", "daily"}});
  Diagnostics d;
  ValidateDbtProject(project, testing::Parse(json), d);
  auto all = d.Sorted();
  ASSERT_EQ(all.size(), 1u) << Render(d);
  EXPECT_EQ(all[0].where.file, "dbt/models/staging/sources.yml");
  EXPECT_EQ(all[0].severity, Severity::kError);
  EXPECT_NE(all[0].message.find("dbt source 'bronze.shop__orderz' points at bronze table "
                                "'bronze.shop__orderz', which tributary does not load (did you "
                                "mean 'shop__orders'?)"),
            std::string::npos)
      << all[0].message;
}

TEST(DbtValidationTest, ACleanProjectHasNoProblem) {
  auto json = testing::EmptyManifest();
  AddSource(json, "shop__orders");
  AddModel(json, "stg_orders", {"hourly", "pii"}, {"source.shop.bronze.shop__orders"});
  AddModel(json, "daily_mart", {}, {"stg_orders"});  // daily reads hourly: fine
  Project project = MakeProject({{"shop__orders", "hourly"}});
  Diagnostics d;
  ValidateDbtProject(project, testing::Parse(json), d);
  EXPECT_TRUE(d.empty()) << Render(d);
}

}  // namespace
}  // namespace tributary
