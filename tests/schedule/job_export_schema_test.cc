// The Databricks export against the bundle JSON schema of databricks/cli:
// always against the extract in testdata/ (see extract_job_schema.py), and
// also against the full schema when TRIBUTARY_DATABRICKS_SCHEMA names it.
// The checker is shown to reject broken job files too.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "config/loader.h"
#include "schedule/job_export.h"
#include "support/json_schema_check.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::SchemaChecker;
using testing::YamlToJson;

fs::path Dir() { return fs::path(TRIBUTARY_SOURCE_DIR) / "tests" / "schedule"; }

std::vector<SchemaChecker> Schemas() {
  std::vector<SchemaChecker> out;
  out.emplace_back(json::parse(std::ifstream(Dir() / "testdata" / "databricks_job_schema.json")));
  // The full schema: named by the variable, or the reference copy beside the
  // repository (shared/reference).
  fs::path full = fs::path(TRIBUTARY_SOURCE_DIR) / ".." / "shared" / "reference" /
                  "databricks-bundle-jsonschema.json";
  if (const char* named = std::getenv("TRIBUTARY_DATABRICKS_SCHEMA")) full = named;
  if (fs::exists(full)) out.emplace_back(json::parse(std::ifstream(full)));
  return out;
}

json Export(const Project& project, JobSplit split) {
  JobExportOptions options;
  options.format = JobFormat::kDatabricks;
  options.split = split;
  return YamlToJson(YAML::Load(ExportJobs(project, options).at(0).content));
}

Project GoldenProject() {
  auto r = LoadProject(Dir() / "golden" / "project");
  EXPECT_FALSE(r.diagnostics.HasErrors()) << r.diagnostics.RenderText();
  return *r.project;
}

std::string Join(const std::vector<std::string>& problems) {
  std::string out;
  for (const auto& p : problems) out += p + "\n";
  return out;
}

TEST(JobExportSchemaTest, EveryVariantIsAValidBundle) {
  Project serverless = GoldenProject();
  Project on_cluster = serverless;
  on_cluster.jobs.databricks_cluster_id = "0923-164208-meows279";
  Project defaults = serverless;
  defaults.jobs = {};
  // With dbt: a dbt task after the loads, on the project's profiles or a warehouse.
  Project with_dbt = serverless;
  with_dbt.dbt.enabled = true;
  with_dbt.dbt.project_dir = "dbt";
  with_dbt.dbt.target = "prod";
  with_dbt.dbt.vars = {{"start", "2026-01-01"}};
  with_dbt.dbt.timeout_minutes = 20;
  Project dbt_on_cluster = with_dbt;
  dbt_on_cluster.jobs.databricks_cluster_id = "0923-164208-meows279";
  dbt_on_cluster.jobs.databricks_warehouse_id = "1234567890abcdef";
  // The wheel in the environment (serverless) or as the cluster task's library.
  Project wheel = serverless;
  wheel.jobs.databricks_wheel = "/Volumes/main/tools/artifacts/tributary_engine-0.1.0.whl";
  Project wheel_on_cluster = wheel;
  wheel_on_cluster.jobs.databricks_cluster_id = "0923-164208-meows279";
  for (const Project* p : {&serverless, &on_cluster, &defaults, &with_dbt, &dbt_on_cluster, &wheel,
                           &wheel_on_cluster}) {
    for (JobSplit split : {JobSplit::kNone, JobSplit::kServer, JobSplit::kStrategy}) {
      json doc = Export(*p, split);
      for (const auto& schema : Schemas()) {
        auto problems = schema.Check(doc);
        EXPECT_TRUE(problems.empty()) << Join(problems) << doc.dump(2);
      }
    }
  }
}

TEST(JobExportSchemaTest, TheCheckerRejectsWhatTheSchemaForbids) {
  json good = Export(GoldenProject(), JobSplit::kNone);
  json& job = good["resources"]["jobs"]["shop_analytics_hourly"];
  ASSERT_TRUE(job.is_object()) << good.dump(2);
  auto breaks = std::vector<std::function<void(json&)>>{
      [](json& j) { j["schedule"]["pause_status"] = "STOPPED"; },
      [](json& j) { j["schedule"].erase("timezone_id"); },
      [](json& j) { j["schedule"]["time_zone"] = "UTC"; },
      [](json& j) { j["max_concurrent_runs"] = "one"; },
      [](json& j) { j["tasks"][0].erase("task_key"); },
      [](json& j) { j["tasks"][0]["spark_python_task"]["parameters"] = "run"; },
      [](json& j) { j["queue"]["enabled"] = "yes"; },
  };
  for (size_t i = 0; i < breaks.size(); ++i) {
    json broken = good;
    breaks[i](broken["resources"]["jobs"]["shop_analytics_hourly"]);
    for (const auto& schema : Schemas()) {
      EXPECT_FALSE(schema.Check(broken).empty()) << "break #" << i << " was accepted";
    }
  }
  // A ${var.*} interpolation is what the string branches of the schema allow.
  json interpolated = good;
  interpolated["resources"]["jobs"]["shop_analytics_hourly"]["max_concurrent_runs"] =
      "${var.max_runs}";
  for (const auto& schema : Schemas()) {
    EXPECT_TRUE(schema.Check(interpolated).empty()) << Join(schema.Check(interpolated));
  }
}

}  // namespace
}  // namespace tributary
