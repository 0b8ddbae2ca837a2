// The dbt command lines tributary runs: directories resolved against the
// project, tributary's own target and log paths, the block's target, vars
// and flags.
#include "dbt/dbt_cli.h"

#include <gtest/gtest.h>

#include "dbt/dbt_error.h"
#include "dbt/dbt_testing.h"

namespace tributary {
namespace {

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

}  // namespace
}  // namespace tributary
