// The dbt command lines tributary runs: directories resolved against the
// project, tributary's own target and log paths, the block's target, vars
// and flags.
#include "dbt/dbt_cli.h"

#include <gtest/gtest.h>

#include <fstream>

#include "dbt/dbt_error.h"
#include "dbt/dbt_testing.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;

TEST(DbtCliTest, CommandLineCarriesTheBlocksSettings) {
  Project project = testing::MakeProject({});
  project.dir = "/srv/lake";
  project.dbt.profiles_dir = "/etc/dbt";
  project.dbt.target = "prod";
  project.dbt.vars = {{"day", "2026-01-01"}};
  project.dbt.flags = {"--threads", "4"};
  project.dbt.executable = "bin/no-such-dbt";
  DbtCli dbt(project);
  EXPECT_TRUE(dbt.paths().executable.empty());
  EXPECT_EQ(dbt.paths().project_dir, "/srv/lake/dbt");
  EXPECT_EQ(dbt.paths().target_dir, "/srv/lake/.tributary/dbt/target");
  EXPECT_EQ(dbt.CommandLine("build", {"shop.staging.a", "shop.b"}),
            (std::vector<std::string>{"bin/no-such-dbt",
                                      "build",
                                      "--select",
                                      "shop.staging.a",
                                      "shop.b",
                                      "--project-dir",
                                      "/srv/lake/dbt",
                                      "--profiles-dir",
                                      "/etc/dbt",
                                      "--target-path",
                                      "/srv/lake/.tributary/dbt/target",
                                      "--log-path",
                                      "/srv/lake/.tributary/dbt/logs",
                                      "--no-use-colors",
                                      "--target",
                                      "prod",
                                      "--vars",
                                      R"({"day":"2026-01-01"})",
                                      "--threads",
                                      "4"}));
  project.dbt.profiles_dir = "";
  EXPECT_EQ(DbtCli(project).paths().profiles_dir, "/srv/lake/dbt");
  try {
    dbt.Run("parse", {}, "x", nullptr);
    FAIL() << "ran a missing dbt";
  } catch (const DbtError& e) {
    EXPECT_NE(std::string(e.what()).find("bin/no-such-dbt"), std::string::npos) << e.what();
  }
}

// The stamp that decides whether `dbt parse` must run again: the project's
// files and the command line, not dbt's own output folders.
TEST(DbtCliTest, TheParseStampFollowsTheProjectsFilesOnly) {
  testing::TempDir dir("tributary-stamp");
  Project project = testing::MakeProject({});
  project.dir = dir.path();
  fs::create_directories(dir.path() / "dbt" / "models");
  fs::create_directories(dir.path() / "dbt" / "target");
  fs::create_directories(dir.path() / "dbt" / ".git");
  std::ofstream(dir.path() / "dbt" / "dbt_project.yml") << "name: shop\n";
  std::ofstream(dir.path() / "dbt" / "models" / "a.sql") << "select 1\n";
  DbtCli dbt(project);
  const std::string first = dbt.ProjectStamp();
  EXPECT_NE(first.find("models/a.sql"), std::string::npos) << first;
  EXPECT_EQ(dbt.ProjectStamp(), first);

  std::ofstream(dir.path() / "dbt" / "target" / "manifest.json") << "{}";
  std::ofstream(dir.path() / "dbt" / ".git" / "HEAD") << "ref";
  EXPECT_EQ(dbt.ProjectStamp(), first) << "dbt's output and hidden folders do not count";

  std::ofstream(dir.path() / "dbt" / "models" / "a.sql", std::ios::app) << "-- edited\n";
  const std::string edited = dbt.ProjectStamp();
  EXPECT_NE(edited, first);
  std::ofstream(dir.path() / "dbt" / "models" / "b.sql") << "select 2\n";
  const std::string added = dbt.ProjectStamp();
  EXPECT_NE(added, edited);

  project.dbt.vars = {{"day", "2026-01-02"}};
  EXPECT_NE(DbtCli(project).ProjectStamp(), added) << "the vars are on the command line";
}

}  // namespace
}  // namespace tributary

namespace tributary {
namespace {

// Reads the environment a stand-in dbt executable was started with.
std::string EnvironmentSeenByDbt(Project& project, const std::filesystem::path& dir) {
  std::filesystem::path script = dir / "fake-dbt";
  std::ofstream(script) << "#!/bin/sh\nenv > \"" << (dir / "env.txt").string() << "\"\n";
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  project.dir = dir;
  project.dbt.executable = script.string();
  std::filesystem::create_directories(dir / "dbt");
  DbtInvocation inv = DbtCli(project).Run("debug", {}, "env", nullptr);
  EXPECT_EQ(inv.result.exit_code, 0);
  std::ifstream in(dir / "env.txt");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(DbtCliTest, ProfilesLearnWhereBronzeIsButNeverASecret) {
  testing::TempDir dir;
  Project project = testing::MakeProject({});
  project.sink.kind = "postgresql";
  project.sink.settings = {{"host", "db.internal"},
                           {"port", "5433"},
                           {"database", "lake"},
                           {"user", "${env:LAKE_USER}"},
                           {"password", "s3cret"}};
  std::string env = EnvironmentSeenByDbt(project, dir.path());
  EXPECT_NE(env.find("TRIBUTARY_PG_HOST=db.internal\n"), std::string::npos) << env;
  EXPECT_NE(env.find("TRIBUTARY_PG_PORT=5433\n"), std::string::npos) << env;
  EXPECT_NE(env.find("TRIBUTARY_PG_DATABASE=lake\n"), std::string::npos) << env;
  EXPECT_EQ(env.find("TRIBUTARY_PG_USER"), std::string::npos) << env;  // a reference
  EXPECT_EQ(env.find("s3cret"), std::string::npos) << env;
  EXPECT_EQ(env.find("TRIBUTARY_BRONZE_PATH"), std::string::npos) << env;

  project.sink = SinkConfig{};  // DuckDB: a file, no libpq settings
  project.sink.path = "lake.duckdb";
  env = EnvironmentSeenByDbt(project, dir.path());
  EXPECT_NE(env.find("TRIBUTARY_BRONZE_PATH=" + (dir.path() / "lake.duckdb").string()),
            std::string::npos)
      << env;
  EXPECT_EQ(env.find("TRIBUTARY_PG_"), std::string::npos) << env;
}

}  // namespace
}  // namespace tributary
