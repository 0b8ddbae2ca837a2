// `tributary jobs export`: golden files for every format from two projects
// (tests/schedule/golden/project, and project_secrets whose settings read
// ${env:…} secrets), refusals naming the frequency and why, how secrets and
// a file sink reach each scheduler (or why they cannot), the Databricks
// launcher run by Python, and the defaults for where tributary and the
// project are. Rewrite the goldens with TRIBUTARY_UPDATE_GOLDEN=1 and review
// the diff.
#include "schedule/job_export.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "config/loader.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;

fs::path Golden() { return fs::path(TRIBUTARY_SOURCE_DIR) / "tests" / "schedule" / "golden"; }

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Project LoadGoldenProject(const std::string& name = "project") {
  // project_secrets' references must resolve to load; the values never show.
  ::setenv("TRIBUTARY_GOLDEN_LAKE_PASSWORD", "lake-secret", 1);
  ::setenv("TRIBUTARY_GOLDEN_CRM_PASSWORD", "crm-secret", 1);
  auto r = LoadProject(Golden() / name);
  EXPECT_FALSE(r.diagnostics.HasErrors()) << r.diagnostics.RenderText();
  return *r.project;
}

struct Case {
  const char* name;
  JobFormat format;
  JobSplit split;
  const char* project = "project";
};

class JobExportGoldenTest : public ::testing::TestWithParam<Case> {};

TEST_P(JobExportGoldenTest, MatchesTheGoldenFiles) {
  const Case& c = GetParam();
  Project project = LoadGoldenProject(c.project);
  JobExportOptions options;
  options.format = c.format;
  options.split = c.split;
  auto files = ExportJobs(project, options);
  fs::path dir = Golden() / c.name;
  const char* update = std::getenv("TRIBUTARY_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    fs::remove_all(dir);
    fs::create_directories(dir);
    for (const auto& f : files) std::ofstream(dir / f.name, std::ios::binary) << f.content;
    return;
  }
  std::set<std::string> expected, actual;
  if (fs::exists(dir)) {
    for (const auto& e : fs::directory_iterator(dir)) expected.insert(e.path().filename());
  }
  for (const auto& f : files) {
    actual.insert(f.name);
    for (const char* secret : {"lake-secret", "crm-secret"}) {
      EXPECT_EQ(f.content.find(secret), std::string::npos) << "a secret's value in " << f.name;
    }
    EXPECT_EQ(f.content.find("/./"), std::string::npos) << f.name;
    if (expected.count(f.name)) {
      EXPECT_EQ(f.content, ReadFile(dir / f.name)) << c.name << "/" << f.name;
    }
  }
  EXPECT_EQ(actual, expected) << "files of " << c.name
                              << " (rewrite with TRIBUTARY_UPDATE_GOLDEN=1 and review)";
}

INSTANTIATE_TEST_SUITE_P(
    Formats, JobExportGoldenTest,
    ::testing::Values(
        Case{"databricks", JobFormat::kDatabricks, JobSplit::kNone},
        Case{"databricks_split_server", JobFormat::kDatabricks, JobSplit::kServer},
        Case{"crontab", JobFormat::kCrontab, JobSplit::kNone},
        Case{"systemd", JobFormat::kSystemd, JobSplit::kNone},
        Case{"kubernetes", JobFormat::kKubernetes, JobSplit::kNone},
        Case{"kubernetes_split_strategy", JobFormat::kKubernetes, JobSplit::kStrategy},
        Case{"databricks_secrets", JobFormat::kDatabricks, JobSplit::kNone, "project_secrets"},
        Case{"crontab_secrets", JobFormat::kCrontab, JobSplit::kNone, "project_secrets"},
        Case{"systemd_secrets", JobFormat::kSystemd, JobSplit::kNone, "project_secrets"},
        Case{"kubernetes_secrets", JobFormat::kKubernetes, JobSplit::kServer, "project_secrets"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

std::string ExportError(Project project, JobFormat format) {
  JobExportOptions options;
  options.format = format;
  try {
    ExportJobs(project, options);
  } catch (const tributary::ExportError& e) {
    return e.what();
  }
  return "(no error)";
}

FrequencyConfig& Frequency(Project& p, const std::string& name) {
  for (auto& f : p.frequencies) {
    if (f.name == name) return f;
  }
  throw std::runtime_error("no frequency " + name);
}

TEST(JobExportTest, CrontabRefusesWhatFiveFieldCronCannotSayAndNamesEveryFrequency) {
  Project p = LoadGoldenProject();
  Frequency(p, "daily").cron = "0 0 5 L * ?";
  Frequency(p, "hourly").cron = "30 0 * * * ?";
  EXPECT_EQ(ExportError(p, JobFormat::kCrontab),
            "cannot export to crontab exactly:\n"
            "  frequency 'hourly' (cron \"30 0 * * * ?\" in UTC): it fires at seconds other than "
            ":00, and 5-field cron fires at :00 only\n"
            "  frequency 'daily' (cron \"0 0 5 L * ?\" in Europe/Oslo): 'L' (last day of the "
            "month) has no 5-field cron equivalent\n"
            "use --format systemd (seconds, years, L and # are supported there), run these "
            "frequencies with `tributary schedule run`, or change their cron");
}

TEST(JobExportTest, KubernetesRefusesTheSameAndNeedsAnImage) {
  Project p = LoadGoldenProject();
  Frequency(p, "weekly").cron = "0 0 6 ? * 1#2";
  EXPECT_NE(ExportError(p, JobFormat::kKubernetes)
                .find("frequency 'weekly' (cron \"0 0 6 ? * 1#2\" in America/New_York): '#'"),
            std::string::npos);
  p.jobs.kubernetes_image.clear();
  EXPECT_NE(ExportError(p, JobFormat::kKubernetes).find("set jobs.kubernetes_image"),
            std::string::npos);
}

TEST(JobExportTest, SystemdRefusesNearestWeekday) {
  Project p = LoadGoldenProject();
  Frequency(p, "daily").cron = "0 0 5 15W * ?";
  EXPECT_NE(ExportError(p, JobFormat::kSystemd)
                .find("frequency 'daily' (cron \"0 0 5 15W * ?\" in Europe/Oslo): 'W' (nearest "
                      "weekday) has no systemd calendar equivalent"),
            std::string::npos);
}

TEST(JobExportTest, DatabricksTakesEveryQuartzExpressionAsItIs) {
  Project p = LoadGoldenProject();
  Frequency(p, "daily").cron = "0 0 5 LW * ?";
  JobExportOptions options;
  auto files = ExportJobs(p, options);
  ASSERT_EQ(files.size(), 2u);
  EXPECT_NE(files[0].content.find("quartz_cron_expression: \"0 0 5 LW * ?\""), std::string::npos);
}

TEST(JobExportTest, LocalFormatsDefaultToThisExecutableAndTheProjectFolder) {
  Project p = LoadGoldenProject();
  p.jobs = {};
  JobExportOptions options;
  options.format = JobFormat::kSystemd;
  options.self_path = "/usr/local/bin/tributary";
  auto files = ExportJobs(p, options);
  std::string service = files.at(0).content;
  EXPECT_NE(service.find("ExecStart=/usr/local/bin/tributary --project " + p.dir.string() +
                         " run --frequency every_5_minutes"),
            std::string::npos)
      << service;
  options.format = JobFormat::kDatabricks;
  std::string bundle = ExportJobs(p, options).at(0).content;
  EXPECT_NE(bundle.find("[tributary, --project, \"${workspace.file_path}\", run"),
            std::string::npos)
      << bundle;
}

TEST(JobExportTest, OnlyTheRequestedFrequencies) {
  Project p = LoadGoldenProject();
  JobExportOptions options;
  options.format = JobFormat::kKubernetes;
  options.frequencies = {"daily"};
  auto files = ExportJobs(p, options);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].name, "shop-analytics-daily.cronjob.yaml");
}

TEST(JobExportTest, EachFormatRefusesSecretsItHasNoWayToPass) {
  const std::string names =
      "the project reads ${env:TRIBUTARY_GOLDEN_CRM_PASSWORD} (servers.crm.password), "
      "${env:TRIBUTARY_GOLDEN_LAKE_PASSWORD} (sink.password)";
  for (auto [format, setting] : {std::pair{JobFormat::kDatabricks, "databricks_secret_scope"},
                                 {JobFormat::kCrontab, "environment_file"},
                                 {JobFormat::kSystemd, "environment_file"},
                                 {JobFormat::kKubernetes, "kubernetes_secret"}}) {
    Project p = LoadGoldenProject("project_secrets");
    p.jobs.databricks_secret_scope.clear();
    p.jobs.environment_file.clear();
    p.jobs.kubernetes_secret.clear();
    std::string error = ExportError(p, format);
    EXPECT_NE(error.find(names), std::string::npos) << error;
    EXPECT_NE(error.find(std::string("set jobs.") + setting), std::string::npos) << error;
  }
}

TEST(JobExportTest, OnlyTheSecretsOfTheExportedFrequenciesAreNeeded) {
  Project p = LoadGoldenProject("project_secrets");
  p.jobs.kubernetes_secret.clear();
  p.sink.settings.erase("password");
  JobExportOptions options;
  options.format = JobFormat::kKubernetes;
  options.frequencies = {"hourly"};  // shop (sqlite) only: crm's password is not read
  auto files = ExportJobs(p, options);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].content.find("envFrom"), std::string::npos);
  options.frequencies = {"daily"};
  EXPECT_THROW(ExportJobs(p, options), tributary::ExportError);
}

TEST(JobExportTest, DatabricksRefusesASinkOnThisMachinesDisk) {
  Project p = LoadGoldenProject();
  p.sink = {};
  p.sink.kind = "duckdb";
  p.sink.path = "lake.duckdb";
  EXPECT_NE(ExportError(p, JobFormat::kDatabricks)
                .find("the sink 'lake.duckdb' (duckdb) is on this machine's disk, which a "
                      "Databricks job cannot reach"),
            std::string::npos);
  p.sink.kind = "delta";
  p.sink.path = "bronze";
  EXPECT_NE(ExportError(p, JobFormat::kDatabricks).find("the sink 'bronze' (delta)"),
            std::string::npos);
  p.sink.path = "/Volumes/main/lake/bronze";  // a Unity Catalog volume: every job sees it
  EXPECT_EQ(ExportError(p, JobFormat::kDatabricks), "(no error)");
  p.sink.path = "abfss://lake@acct.dfs.core.windows.net/bronze";
  EXPECT_EQ(ExportError(p, JobFormat::kDatabricks), "(no error)");
}

TEST(JobExportTest, KubernetesKeepsAFileSinkOnTheProjectVolume) {
  Project p = LoadGoldenProject();
  p.sink = {};
  p.sink.kind = "duckdb";
  p.sink.path = "lake.duckdb";
  EXPECT_NE(ExportError(p, JobFormat::kKubernetes)
                .find("the sink 'lake.duckdb' (duckdb) is a file of the container, lost when its "
                      "job ends; set jobs.kubernetes_volume_claim"),
            std::string::npos);
  p.jobs.kubernetes_volume_claim = "shop-project";
  JobExportOptions options;
  options.format = JobFormat::kKubernetes;
  options.frequencies = {"daily"};
  YAML::Node job = YAML::Load(ExportJobs(p, options).at(0).content);
  YAML::Node pod = job["spec"]["jobTemplate"]["spec"]["template"]["spec"];
  EXPECT_EQ(pod["volumes"][0]["persistentVolumeClaim"]["claimName"].as<std::string>(),
            "shop-project");
  EXPECT_EQ(pod["containers"][0]["volumeMounts"][0]["mountPath"].as<std::string>(),
            "/srv/shop analytics");
  EXPECT_EQ(pod["containers"][0]["volumeMounts"][0]["name"].as<std::string>(),
            pod["volumes"][0]["name"].as<std::string>());
  p.sink.path = "/data/lake.duckdb";
  EXPECT_NE(ExportError(p, JobFormat::kKubernetes)
                .find("the sink '/data/lake.duckdb' is outside the project folder"),
            std::string::npos);
}

TEST(JobExportTest, LocalFormatsWriteCleanAbsolutePaths) {
  Project p = LoadGoldenProject();
  p.jobs.project_dir = "/srv/./shop/../shop//";
  p.jobs.command = "/opt/tributary/./bin/tributary";
  JobExportOptions options;
  options.format = JobFormat::kCrontab;
  std::string crontab = ExportJobs(p, options).at(0).content;
  EXPECT_NE(crontab.find("/opt/tributary/bin/tributary --project /srv/shop run --frequency "
                         "every_5_minutes >>/srv/shop/.tributary/logs/every_5_minutes.log 2>&1"),
            std::string::npos)
      << crontab;
  EXPECT_EQ(crontab.find("/./"), std::string::npos) << crontab;
  EXPECT_EQ(crontab.find("//"), std::string::npos) << crontab;
}

// The launcher the Databricks tasks run, run by Python with what a job gives
// it: dbutils (the part only Databricks has) stands in as a module that
// answers "<scope>/<key>", the wheel as a module naming a binary.
TEST(JobExportTest, DatabricksLauncherSetsSecretsAndRunsTheWheelsBinary) {
  Project p = LoadGoldenProject("project_secrets");
  JobExportOptions options;
  auto files = ExportJobs(p, options);
  ASSERT_EQ(files.at(1).name, "tributary_launcher.py");
  testing::TempDir dir;
  std::ofstream(dir / "tributary_launcher.py") << files[1].content;
  fs::create_directories(dir / "databricks" / "sdk");
  std::ofstream(dir / "databricks" / "__init__.py");
  std::ofstream(dir / "databricks" / "sdk" / "__init__.py");
  std::ofstream(dir / "databricks" / "sdk" / "runtime.py") << "class _Secrets:\n"
                                                              "    def get(self, scope, key):\n"
                                                              "        return scope + '/' + key\n"
                                                              "class _DbUtils:\n"
                                                              "    secrets = _Secrets()\n"
                                                              "dbutils = _DbUtils()\n";
  std::vector<std::string> env = {"PYTHONPATH=" + dir.path().string()};
  auto r = testing::RunProcess(
      {"python3", (dir / "tributary_launcher.py").string(), "--secret",
       "CRM_PASSWORD=shop-loads/crm", "sh", "-c", "printf '%s' \"$CRM_PASSWORD\"; exit 3"},
      env);
  EXPECT_EQ(r.out, "shop-loads/crm") << r.err;
  EXPECT_EQ(r.exit_code, 3) << "the command's exit status fails the task";
  fs::create_directories(dir / "tributary_engine");
  std::ofstream(dir / "tributary_engine" / "__init__.py");
  std::ofstream(dir / "args.sh") << "#!/bin/sh\nprintf '[%s]' \"$@\"\n";
  fs::permissions(dir / "args.sh", fs::perms::owner_all);
  std::ofstream(dir / "tributary_engine" / "__main__.py")
      << "BINARY = '" << (dir / "args.sh").string() << "'\n";
  r = testing::RunProcess(
      {"python3", (dir / "tributary_launcher.py").string(), "tributary", "--version", "a b"}, env);
  EXPECT_EQ(r.out, "[--version][a b]") << r.err;
  EXPECT_EQ(r.exit_code, 0);
}

TEST(JobExportTest, SystemdUnitsPassSystemdAnalyzeVerify) {
  if (testing::RunProcess({"systemd-analyze", "--version"}).exit_code != 0) {
    GTEST_SKIP() << "systemd-analyze is not installed; the golden files still apply";
  }
  for (const char* name : {"project", "project_secrets"}) {
    Project p = LoadGoldenProject(name);
    p.jobs.command = TRIBUTARY_BINARY;  // verify checks that the executable exists
    p.jobs.user = "root";               // and that the user exists
    JobExportOptions options;
    options.format = JobFormat::kSystemd;
    options.split = JobSplit::kServer;
    testing::TempDir dir;
    std::vector<std::string> args = {"systemd-analyze", "verify"};
    for (const auto& f : ExportJobs(p, options)) {
      std::ofstream(dir / f.name) << f.content;
      args.push_back((dir / f.name).string());
    }
    auto r = testing::RunProcess(args);
    EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
    EXPECT_EQ(r.err, "") << name;
  }
}

}  // namespace
}  // namespace tributary
