// `jobs export --format databricks` with powerbi: each frequency's job gets a
// refresh task after its ingest tasks, the ingest tasks leave the refresh to
// it, and the file stays a valid bundle (the schema extract of tests/schedule).
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "config/loader.h"
#include "schedule/job_export.h"
#include "support/json_schema_check.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path Schedule() { return fs::path(TRIBUTARY_SOURCE_DIR) / "tests" / "schedule"; }

json Export(const Project& project, JobSplit split) {
  JobExportOptions options;
  options.split = split;
  return testing::YamlToJson(YAML::Load(ExportJobs(project, options).at(0).content));
}

class PowerBiExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = LoadProject(Schedule() / "golden" / "project");
    ASSERT_FALSE(r.diagnostics.HasErrors()) << r.diagnostics.RenderText();
    project_ = *r.project;
    project_.powerbi.enabled = true;
  }
  Project project_;
};

TEST_F(PowerBiExportTest, EachJobRefreshesAfterItsIngestTasks) {
  json doc = Export(project_, JobSplit::kServer);
  ASSERT_FALSE(doc["resources"]["jobs"].empty());
  for (const auto& [key, job] : doc["resources"]["jobs"].items()) {
    const json& tasks = job["tasks"];
    const json& refresh = tasks.back();
    EXPECT_EQ(refresh["task_key"], "powerbi_refresh") << key;
    EXPECT_EQ(refresh["run_if"], "ALL_DONE");
    std::string frequency = job["tags"]["tributary_frequency"];
    json params = refresh["spark_python_task"]["parameters"];
    ASSERT_GE(params.size(), 4u);
    std::vector<std::string> tail(params.end() - 4, params.end());
    EXPECT_EQ(tail, (std::vector<std::string>{"powerbi", "refresh", "--frequency", frequency}))
        << params.dump();
    ASSERT_EQ(refresh["depends_on"].size(), tasks.size() - 1) << key;
    for (size_t i = 0; i + 1 < tasks.size(); ++i) {
      EXPECT_EQ(refresh["depends_on"][i]["task_key"], tasks[i]["task_key"]);
      EXPECT_EQ(tasks[i]["spark_python_task"]["parameters"].back(), "--no-powerbi");
    }
  }
  project_.powerbi.enabled = false;
  json without = Export(project_, JobSplit::kNone);  // kept: items() does not own its json
  for (const auto& [key, job] : without["resources"]["jobs"].items()) {
    for (const auto& task : job["tasks"]) EXPECT_NE(task["task_key"], "powerbi_refresh");
  }
}

// With dbt: the refresh follows the job's dbt task; a frequency without
// models (no dbt task) refreshes after its ingest tasks, which run dbt.
TEST_F(PowerBiExportTest, WithDbtTheRefreshFollowsTheDbtTask) {
  project_.dbt.enabled = true;
  project_.dbt.project_dir = "dbt";
  JobExportOptions options;
  options.dbt_frequencies = std::set<std::string>{"hourly"};
  json doc = testing::YamlToJson(YAML::Load(ExportJobs(project_, options).at(0).content));
  const json& hourly = doc["resources"]["jobs"]["shop_analytics_hourly"]["tasks"];
  ASSERT_EQ(hourly.back()["task_key"], "powerbi_refresh") << hourly.dump(2);
  EXPECT_EQ(hourly.back()["depends_on"], json::parse(R"([{"task_key": "dbt"}])"));
  EXPECT_EQ(hourly[0]["spark_python_task"]["parameters"].back(), "--no-powerbi");
  const json& daily = doc["resources"]["jobs"]["shop_analytics_daily"]["tasks"];
  EXPECT_EQ(daily.back()["depends_on"], json::parse(R"([{"task_key": "ingest"}])"));
  auto problems = testing::SchemaChecker(json::parse(std::ifstream(Schedule() / "testdata" /
                                                                   "databricks_job_schema.json")))
                      .Check(doc);
  EXPECT_TRUE(problems.empty()) << doc.dump(2);
}

TEST_F(PowerBiExportTest, TheJobsWithARefreshTaskAreAValidBundle) {
  testing::SchemaChecker schema(
      json::parse(std::ifstream(Schedule() / "testdata" / "databricks_job_schema.json")));
  for (JobSplit split : {JobSplit::kNone, JobSplit::kServer}) {
    json doc = Export(project_, split);
    auto problems = schema.Check(doc);
    std::string all;
    for (const auto& p : problems) all += p + "\n";
    EXPECT_TRUE(problems.empty()) << all << doc.dump(2);
  }
}

}  // namespace
}  // namespace tributary
