// tributary.yml checks that a golden case shows only once: the URL schemes
// a sink path may and may not carry, and where cron errors are reported.
#include <gtest/gtest.h>

#include <fstream>

#include "config/loader.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

class ProjectFileTest : public ::testing::Test {
 protected:
  // The diagnostics of a project whose tributary.yml is `text`.
  std::vector<Diagnostic> Load(const std::string& text) {
    std::ofstream(dir_ / "tributary.yml") << text;
    Diagnostics diagnostics;
    Project project;
    LoadProjectFile(dir_.path(), project, diagnostics);
    return diagnostics.Sorted();
  }

  testing::TempDir dir_;
};

TEST_F(ProjectFileTest, ADeltaSinkTakesObjectStorageUrls) {
  for (const char* path :
       {"s3://bucket/bronze", "s3a://my.bucket/a/b/",
        "abfss://c0ntainer@acct.dfs.core.windows.net/b", "abfs://lake@acct.blob.core.windows.net",
        "az://container/bronze", "file:///var/lake"}) {
    auto all = Load(std::string("project: p\nsink:\n  kind: delta\n  path: ") + path + "\n");
    EXPECT_TRUE(all.empty()) << path << ": " << (all.empty() ? "" : all[0].message);
  }
}

TEST_F(ProjectFileTest, PathsNoStoreServesAreRefusedAtThePathWithTheFix) {
  const std::pair<const char*, const char*> cases[] = {
      {"gs://bucket/bronze", "Google Cloud Storage is not supported yet"},
      {"dbfs:/mnt/bronze", "DBFS paths exist only inside Databricks"},
      {"hdfs://namenode/bronze", "uses the scheme 'hdfs', which tributary cannot write to"},
      {"s3://Bad_Bucket/x", "does not name an S3 bucket"},
      {"s3://bucket/a/../b", "'..' segment"},
      {"abfss://container/x", "names no storage account"},
      {"abfss://c0ntainer@example.com/x", "is not an Azure storage endpoint"},
      {"/Volumes/main/bronze/files", "Unity Catalog volume path"}};
  for (const auto& [path, says] : cases) {
    auto all = Load(std::string("project: p\nsink:\n  kind: delta\n  path: ") + path + "\n");
    ASSERT_EQ(all.size(), 1u) << path;
    EXPECT_EQ(all[0].where.line, 4) << path;
    EXPECT_EQ(all[0].where.column, 9) << path;
    EXPECT_NE(all[0].message.find(says), std::string::npos) << path << ": " << all[0].message;
  }
}

TEST_F(ProjectFileTest, AFileSinkRefusesAUrlAndPointsToTheDeltaSink) {
  auto all = Load("project: p\nsink:\n  kind: duckdb\n  path: s3://bucket/bronze.duckdb\n");
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].where.line, 4);
  EXPECT_EQ(all[0].message,
            "the duckdb sink's path uses the scheme 's3://': a duckdb sink is a local file");
  EXPECT_NE(all[0].hint.find("kind: delta"), std::string::npos);
}

TEST_F(ProjectFileTest, LocalPathsAreNotMistakenForUrls) {
  for (const char* path : {"lake", "/data/lake", "./s3:/x", "C:/lake", "lake:2026"}) {
    auto all = Load(std::string("project: p\nsink: {kind: delta, path: \"") + path + "\"}\n");
    EXPECT_TRUE(all.empty()) << path << ": " << (all.empty() ? "" : all[0].message);
  }
}

TEST_F(ProjectFileTest, AFiveFieldCronIsReportedAtTheCronEvenWithATimeZone) {
  auto all = Load(
      "project: p\nsink: {kind: duckdb, path: x.duckdb}\nfrequencies:\n"
      "  often: {cron: \"*/5 * * * *\", timezone: Europe/Oslo}\n");
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].where.line, 4);
  EXPECT_EQ(all[0].where.column, 18);
  EXPECT_NE(all[0].message.find("Quartz cron has a seconds field"), std::string::npos)
      << all[0].message;
  EXPECT_NE(all[0].hint.find("Quartz syntax"), std::string::npos);
}

TEST_F(ProjectFileTest, AnUnknownTimeZoneIsStillReportedAtTheZone) {
  auto all = Load(
      "project: p\nsink: {kind: duckdb, path: x.duckdb}\nfrequencies:\n"
      "  often: {cron: \"0 0 * * * ?\", timezone: Mars/Base}\n");
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].where.column, 42);
  EXPECT_EQ(all[0].hint, "use an IANA time zone name such as UTC or Europe/Oslo");
}

TEST_F(ProjectFileTest, ASinkWithoutValueIsReportedAtItsOwnLine) {
  auto all = Load("project: p\nsink:\nfrequencies:\n  hourly: {cron: \"0 0 * * * ?\"}\n");
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].where.line, 2);
  EXPECT_EQ(all[0].where.column, 1);
  EXPECT_EQ(all[0].message, "the sink must be a mapping of keys to values, found nothing");
}

}  // namespace
}  // namespace tributary
