// The dbt: block of tributary.yml: values, defaults, and every mistake
// reported at its file:line:column with a fix.
#include <gtest/gtest.h>

#include <fstream>

#include "config/loader.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;

class DbtConfigTest : public ::testing::Test {
 protected:
  LoadResult Load(const std::string& dbt_block) {
    fs::create_directories(dir_ / "transform");
    std::ofstream(dir_ / "transform" / "dbt_project.yml") << "name: shop\n";
    std::ofstream(dir_ / "tributary.yml")
        << "project: shop\nsink: {kind: duckdb, path: lake.duckdb}\nfrequencies:\n"
           "  hourly: {cron: \"0 0 * * * ?\"}\n"
        << dbt_block;
    return LoadProject(dir_.path());
  }
  testing::TempDir dir_;
};

TEST_F(DbtConfigTest, ReadsEveryKey) {
  auto r = Load(
      "dbt:\n  project_dir: transform\n  profiles_dir: profiles\n  target: prod\n"
      "  executable: .venv/bin/dbt\n  flags: [--threads, \"4\"]\n  vars: {day: \"2026-01-01\"}\n"
      "  selection: yield\n  skip_unchanged: true\n  default_frequency: hourly\n"
      "  timeout_minutes: 30\n");
  ASSERT_FALSE(r.diagnostics.HasErrors()) << r.diagnostics.RenderText();
  const DbtConfig& dbt = r.project->dbt;
  EXPECT_TRUE(dbt.enabled);
  EXPECT_EQ(dbt.project_dir, "transform");
  EXPECT_EQ(dbt.profiles_dir, "profiles");
  EXPECT_EQ(dbt.target, "prod");
  EXPECT_EQ(dbt.executable, ".venv/bin/dbt");
  EXPECT_EQ(dbt.flags, (std::vector<std::string>{"--threads", "4"}));
  EXPECT_EQ(dbt.vars.at("day"), "2026-01-01");
  EXPECT_EQ(dbt.selection, "yield");
  EXPECT_TRUE(dbt.skip_unchanged);
  EXPECT_EQ(dbt.default_frequency, "hourly");
  EXPECT_EQ(dbt.timeout_minutes, 30);
  EXPECT_EQ(dbt.where.line, 6);
}

TEST_F(DbtConfigTest, DefaultsAndNoBlock) {
  auto none = Load("");
  EXPECT_FALSE(none.project->dbt.enabled);
  auto r = Load("dbt: {project_dir: transform}\n");
  ASSERT_FALSE(r.diagnostics.HasErrors()) << r.diagnostics.RenderText();
  EXPECT_EQ(r.project->dbt.executable, "dbt");
  EXPECT_EQ(r.project->dbt.selection, "same_or_higher");
  EXPECT_EQ(r.project->dbt.default_frequency, "daily");
  EXPECT_FALSE(r.project->dbt.skip_unchanged);
  EXPECT_EQ(r.project->dbt.timeout_minutes, 0);
}

TEST_F(DbtConfigTest, EveryMistakeAtItsPlace) {
  auto r = Load(
      "dbt:\n  project_dir: nowhere\n  selection: same_or_highr\n  skip_unchanged: yes\n"
      "  default_frequency: hourli\n  timeout_minutes: -1\n  profile_dir: x\n");
  std::string text = r.diagnostics.RenderText();
  EXPECT_NE(text.find("tributary.yml:6:16: error: no dbt_project.yml in 'nowhere'"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("tributary.yml:7:14: error: 'selection' cannot be 'same_or_highr' (did you "
                      "mean 'same_or_higher'?)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("tributary.yml:8:19: error: 'skip_unchanged' must be true or false"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("tributary.yml:9:22: error: unknown frequency 'hourli' (did you mean "
                      "'hourly'?)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("tributary.yml:10:"), std::string::npos) << text;
  EXPECT_NE(text.find("tributary.yml:11:3: error: unknown key 'profile_dir'"), std::string::npos)
      << text;
  EXPECT_NE(text.find("profiles_dir"), std::string::npos) << text;
  EXPECT_EQ(r.diagnostics.ErrorCount(), 6u) << text;
}

}  // namespace
}  // namespace tributary
