// manifest.json v8–v12: the two real manifests beside the repository (one
// written on Windows), and the rules for tags and dependencies.
#include "dbt/manifest.h"

#include <gtest/gtest.h>

#include "dbt/dbt_error.h"
#include "dbt/dbt_testing.h"

namespace tributary {
namespace {

using testing::ReferenceFile;

TEST(DbtManifestTest, ReadsTheV12ReferenceManifest) {
  Manifest m = LoadManifest(ReferenceFile("manifest-v12-dbt_analytics.json"));
  EXPECT_EQ(m.schema_version, 12);
  EXPECT_EQ(m.project_name, "analytics");
  EXPECT_EQ(m.models.size(), 22u);
  EXPECT_EQ(m.sources.size(), 9u);
  const DbtModel* hits = m.FindModel("model.analytics.stg_adobe_experience__clickstream_hits");
  ASSERT_NE(hits, nullptr);
  EXPECT_EQ(hits->file,
            "models/staging/adobe_experience/stg_adobe_experience__clickstream_hits.sql");
  EXPECT_EQ(hits->materialized, "incremental");
  EXPECT_EQ(hits->upstream_sources,
            (std::vector<std::string>{"source.analytics.adobe_experience_app.clickstream_hits",
                                      "source.analytics.adobe_experience_web.clickstream_hits"}));
  EXPECT_EQ(hits->upstream_models,
            std::vector<std::string>{"model.analytics.stg_accounts_db__accounts"});
  const DbtSource& accounts = m.sources.at("source.analytics.accounts_db.accounts");
  EXPECT_EQ(accounts.source_name, "accounts_db");
  EXPECT_EQ(accounts.schema, "accounts_db");
  EXPECT_EQ(accounts.identifier, "accounts");
  EXPECT_EQ(accounts.file, "models/staging/accounts_db/__sources.yml");
  EXPECT_EQ(m.FindModel("model.analytics.nope"), nullptr);
}

TEST(DbtManifestTest, ReadsTheV8ReferenceManifestWithWindowsPaths) {
  Manifest m = LoadManifest(ReferenceFile("manifest-v8-billiam-database.json"));
  EXPECT_EQ(m.schema_version, 8);
  ASSERT_EQ(m.models.size(), 7u);
  EXPECT_TRUE(m.sources.empty());
  const DbtModel* details = m.FindModel("model.billiam_database.int__task_details");
  ASSERT_NE(details, nullptr);
  EXPECT_EQ(details->file, "src/models/intermediate/int__task_details.sql");
  EXPECT_EQ(details->materialized, "table");
  EXPECT_EQ(details->upstream_models,
            std::vector<std::string>{"model.billiam_database.stg__daily_tracker"});
  for (const auto& model : m.models) {
    EXPECT_EQ(model.file.find('\\'), std::string::npos) << model.file;
  }
}

TEST(DbtManifestTest, EffectiveTagsAreConfigTagsAndTopLevelTagsOnce) {
  auto json = testing::ReadJson(ReferenceFile("manifest-v8-billiam-database.json"));
  auto& node = json["nodes"]["model.billiam_database.int__task_details"];
  node["config"]["tags"] = {"hourly", "pii"};
  node["tags"] = {"pii", "finance"};
  Manifest m = testing::Parse(json);
  EXPECT_EQ(m.FindModel("model.billiam_database.int__task_details")->tags,
            (std::vector<std::string>{"hourly", "pii", "finance"}));
}

TEST(DbtManifestTest, RejectsWhatIsNotAReadableManifest) {
  EXPECT_THROW(ParseManifest("{not json", "m.json"), DbtError);
  EXPECT_THROW(ParseManifest("{\"nodes\": {}}", "m.json"), DbtError);
  auto old = testing::EmptyManifest();
  old["metadata"]["dbt_schema_version"] = "https://schemas.getdbt.com/dbt/manifest/v7.json";
  try {
    testing::Parse(old);
    FAIL() << "v7 accepted";
  } catch (const DbtError& e) {
    EXPECT_NE(std::string(e.what()).find("v7"), std::string::npos) << e.what();
  }
  EXPECT_THROW(LoadManifest("/nonexistent/manifest.json"), DbtError);
}

}  // namespace
}  // namespace tributary
