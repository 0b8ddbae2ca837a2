// Exports of a project with a dbt: block: the Databricks job of a frequency
// ends with a native dbt task after its loads, and rule `yield` becomes
// schedules split around the less frequent jobs, whose runs take the more
// frequent frequencies' tables and models. The split is checked instant by
// instant against the frequencies' own schedules.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <set>

#include "config/loader.h"
#include "cron/cron.h"
#include "schedule/job_export.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;

Project GoldenProject() {
  auto r =
      LoadProject(fs::path(TRIBUTARY_SOURCE_DIR) / "tests" / "schedule" / "golden" / "project");
  EXPECT_FALSE(r.diagnostics.HasErrors()) << r.diagnostics.RenderText();
  Project p = *r.project;
  p.dbt.enabled = true;
  p.dbt.project_dir = "dbt";
  p.dbt.target = "prod";
  p.dbt.flags = {"--threads", "4"};
  return p;
}

YAML::Node Jobs(const Project& p, JobExportOptions options) {
  options.format = JobFormat::kDatabricks;
  return YAML::Load(ExportJobs(p, options).at(0).content)["resources"]["jobs"];
}

YAML::Node TaskNamed(const YAML::Node& job, const std::string& key) {
  for (const auto& task : job["tasks"]) {
    if (task["task_key"].as<std::string>() == key) return task;
  }
  return YAML::Node();
}

std::vector<std::string> Strings(const YAML::Node& seq) {
  std::vector<std::string> out;
  for (const auto& v : seq) out.push_back(v.as<std::string>());
  return out;
}

TEST(JobExportDbtTest, DatabricksJobsEndWithADbtTaskAfterTheirLoads) {
  Project p = GoldenProject();
  JobExportOptions options;
  options.split = JobSplit::kServer;
  options.dbt_frequencies = std::set<std::string>{"hourly", "daily"};
  YAML::Node jobs = Jobs(p, options);

  YAML::Node hourly = jobs["shop_analytics_hourly"];
  YAML::Node dbt = TaskNamed(hourly, "dbt");
  ASSERT_TRUE(dbt.IsMap()) << hourly;
  std::vector<std::string> after;
  for (const auto& d : dbt["depends_on"]) after.push_back(d["task_key"].as<std::string>());
  std::vector<std::string> ingest;
  for (const auto& t : hourly["tasks"]) {
    std::string key = t["task_key"].as<std::string>();
    if (key == "dbt") continue;
    ingest.push_back(key);
    auto params = Strings(t["spark_python_task"]["parameters"]);
    EXPECT_EQ(params.back(), "--no-dbt") << key << ": the dbt task builds the models";
  }
  EXPECT_EQ(after, ingest);
  EXPECT_EQ(dbt["dbt_task"]["project_directory"].as<std::string>(), "/srv/shop analytics/dbt");
  EXPECT_EQ(dbt["dbt_task"]["profiles_directory"].as<std::string>(), "/srv/shop analytics/dbt");
  EXPECT_EQ(Strings(dbt["dbt_task"]["commands"]),
            (std::vector<std::string>{"dbt deps",
                                      "dbt build --selector tributary_hourly --target prod "
                                      "--threads 4"}));
  EXPECT_EQ(dbt["environment_key"].as<std::string>(), "dbt");
  bool has_dbt_environment = false;
  for (const auto& e : hourly["environments"]) {
    if (e["environment_key"].as<std::string>() != "dbt") continue;
    has_dbt_environment = true;
    EXPECT_EQ(Strings(e["spec"]["dependencies"]),
              std::vector<std::string>{"dbt-databricks>=1.8,<2"});
  }
  EXPECT_TRUE(has_dbt_environment) << hourly;

  // A frequency none of whose models exist gets no dbt task (dbt refuses an
  // empty selector), and no dbt environment.
  YAML::Node five = jobs["shop_analytics_every_5_minutes"];
  EXPECT_FALSE(TaskNamed(five, "dbt").IsMap()) << five;
  EXPECT_EQ(five["environments"].size(), 1u);
}

TEST(JobExportDbtTest, AWarehouseWritesTheProfileAndAClusterGetsTheLibrary) {
  Project p = GoldenProject();
  p.jobs.databricks_warehouse_id = "abc123";
  p.jobs.databricks_cluster_id = "0923-164208-meows279";
  p.dbt.vars = {{"start", "2026-01-01"}};
  YAML::Node dbt = TaskNamed(Jobs(p, {})["shop_analytics_daily"], "dbt");
  EXPECT_EQ(dbt["dbt_task"]["warehouse_id"].as<std::string>(), "abc123");
  EXPECT_FALSE(dbt["dbt_task"]["profiles_directory"].IsDefined());
  EXPECT_EQ(dbt["existing_cluster_id"].as<std::string>(), "0923-164208-meows279");
  EXPECT_EQ(dbt["libraries"][0]["pypi"]["package"].as<std::string>(), "dbt-databricks>=1.8,<2");
  EXPECT_EQ(Strings(dbt["dbt_task"]["commands"])[1],
            "dbt build --selector tributary_daily --target prod --vars '{\"start\": "
            "\"2026-01-01\"}' --threads 4");
}

// Three nested UTC frequencies under rule yield, one table each.
Project YieldProject(const std::vector<std::pair<std::string, std::string>>& crons) {
  Project p = GoldenProject();
  p.dbt.selection = "yield";
  p.frequencies.clear();
  for (const auto& [name, cron] : crons) {
    FrequencyConfig f;
    f.name = name;
    f.cron = cron;
    f.timezone = "UTC";
    p.frequencies.push_back(f);
  }
  for (size_t i = 0; i < p.tasks.size(); ++i) {
    p.tasks[i].frequency = p.frequencies[std::min(i, p.frequencies.size() - 1)].name;
  }
  return p;
}

struct Exported {
  std::string cron;
  std::set<std::string> frequencies;  // of its `run --frequency` argument
};

std::map<std::string, Exported> ExportedJobs(const Project& p) {
  std::map<std::string, Exported> out;
  for (const auto& it : Jobs(p, {})) {
    const YAML::Node& job = it.second;
    Exported e;
    e.cron = job["schedule"]["quartz_cron_expression"].as<std::string>();
    auto params = Strings(TaskNamed(job, "ingest")["spark_python_task"]["parameters"]);
    std::string list = params.at(5);
    for (size_t at = 0; at <= list.size();) {
      size_t comma = std::min(list.find(',', at), list.size());
      e.frequencies.insert(list.substr(at, comma - at));
      at = comma + 1;
    }
    out[it.first.as<std::string>()] = e;
  }
  return out;
}

// Over two days: at every instant some frequency fires, exactly one exported
// job fires, and its run takes every frequency that fires then.
void ExpectEachInstantRunOnce(const Project& p, const std::map<std::string, Exported>& jobs) {
  const TimePoint start = TimePoint(std::chrono::seconds(1772409600));  // Mon 2026-03-02
  const TimePoint end = start + std::chrono::hours(48);
  std::map<TimePoint, std::set<std::string>> due;
  for (const auto& f : p.frequencies) {
    auto s = CronSchedule::Parse(f.cron, f.timezone);
    for (auto t = s.Next(start - std::chrono::seconds(1)); t && *t < end; t = s.Next(*t)) {
      due[*t].insert(f.name);
    }
  }
  std::map<TimePoint, std::vector<std::string>> fired;
  for (const auto& [key, job] : jobs) {
    auto s = CronSchedule::Parse(job.cron, "UTC");
    for (auto t = s.Next(start - std::chrono::seconds(1)); t && *t < end; t = s.Next(*t)) {
      fired[*t].push_back(key);
      for (const auto& f : due[*t]) {
        EXPECT_TRUE(job.frequencies.count(f)) << key << " at a tick of " << f;
      }
    }
  }
  ASSERT_FALSE(due.empty());
  for (const auto& [t, frequencies] : due) {
    EXPECT_EQ(fired[t].size(), 1u)
        << *frequencies.begin() << " tick fired by " << fired[t].size() << " jobs";
  }
  EXPECT_EQ(fired.size(), due.size()) << "a job fired when no frequency was due";
}

TEST(JobExportDbtTest, YieldSplitsSchedulesAroundTheLessFrequentJobs) {
  Project p = YieldProject(
      {{"every_5_minutes", "0 0/5 * * * ?"}, {"hourly", "0 0 * * * ?"}, {"daily", "0 0 5 * * ?"}});
  auto jobs = ExportedJobs(p);
  ASSERT_EQ(jobs.size(), 3u);
  EXPECT_EQ(jobs["shop_analytics_every_5_minutes"].cron, "0 5/5 * * * ?");
  EXPECT_EQ(jobs["shop_analytics_hourly"].cron, "0 0 0-4,6-23 * * ?");
  EXPECT_EQ(jobs["shop_analytics_hourly"].frequencies,
            (std::set<std::string>{"hourly", "every_5_minutes"}));
  EXPECT_EQ(jobs["shop_analytics_daily"].cron, "0 0 5 * * ?");
  EXPECT_EQ(jobs["shop_analytics_daily"].frequencies,
            (std::set<std::string>{"daily", "hourly", "every_5_minutes"}));
  ExpectEachInstantRunOnce(p, jobs);
}

TEST(JobExportDbtTest, AScheduleThatNeedsTwoExpressionsBecomesTwoJobs) {
  Project p = YieldProject({{"every_5_minutes", "0 0/5 * * * ?"}, {"daily", "0 0 5 ? * MON-FRI"}});
  auto jobs = ExportedJobs(p);
  ASSERT_EQ(jobs.size(), 4u) << "every_5_minutes split in three, and daily";
  EXPECT_TRUE(jobs.count("shop_analytics_every_5_minutes_2"));
  ExpectEachInstantRunOnce(p, jobs);

  // crontab: one line per piece, each piece under the frequency's own lock.
  JobExportOptions options;
  options.format = JobFormat::kCrontab;
  std::string crontab = ExportJobs(p, options).at(0).content;
  size_t lines = 0;
  for (size_t at = crontab.find("frequency-every_5_minutes.lock"); at != std::string::npos;
       at = crontab.find("frequency-every_5_minutes.lock", at + 1)) {
    ++lines;
  }
  EXPECT_EQ(lines, 3u) << crontab;
}

TEST(JobExportDbtTest, YieldRefusesSchedulesThatDoNotNest) {
  Project partial = YieldProject({{"hourly", "0 0 * ? * MON-FRI"}, {"daily", "0 0 5 * * ?"}});
  try {
    ExportJobs(partial, {});
    ADD_FAILURE() << "exported";
  } catch (const ExportError& e) {
    EXPECT_NE(std::string(e.what()).find("only some fires of 'daily' (\"0 0 5 * * ?\") are fires "
                                         "of 'hourly'"),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("dbt.selection: same_or_higher"), std::string::npos);
  }
  Project zones = YieldProject({{"hourly", "0 0 * * * ?"}, {"daily", "0 0 5 * * ?"}});
  zones.frequencies[1].timezone = "Europe/Oslo";
  try {
    ExportJobs(zones, {});
    ADD_FAILURE() << "exported";
  } catch (const ExportError& e) {
    EXPECT_NE(std::string(e.what()).find("whose time zone differs"), std::string::npos) << e.what();
  }
  // Without rule yield the same project exports as written.
  zones.dbt.selection = "same_or_higher";
  EXPECT_EQ(ExportedJobs(zones)["shop_analytics_hourly"].cron, "0 0 * * * ?");
}

}  // namespace
}  // namespace tributary
