// tributary.yml checks that a golden case shows only once: every URL scheme
// a sink path could carry, and where cron errors are reported.
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

TEST_F(ProjectFileTest, ObjectStoragePathsAreRefusedUntilSupported) {
  const std::pair<const char*, const char*> cases[] = {
      {"s3://bucket/bronze", "s3://"},    {"abfss://c@acct.dfs.core.windows.net/b", "abfss://"},
      {"az://container/bronze", "az://"}, {"gs://bucket/bronze", "gs://"},
      {"dbfs:/mnt/bronze", "dbfs:"},      {"hdfs://namenode/bronze", "hdfs://"},
      {"file:///var/lake", "file://"}};
  for (const auto& [path, scheme] : cases) {
    auto all = Load(std::string("project: p\nsink:\n  kind: delta\n  path: ") + path + "\n");
    ASSERT_EQ(all.size(), 1u) << path;
    EXPECT_EQ(all[0].where.line, 4) << path;
    EXPECT_EQ(all[0].where.column, 9) << path;
    EXPECT_EQ(all[0].message, std::string("the delta sink's path uses the scheme '") + scheme +
                                  "': object storage is not supported yet");
  }
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
