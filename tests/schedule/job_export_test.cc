// `tributary jobs export`: golden files for every format from one project
// (tests/schedule/golden/project), refusals naming the frequency and why,
// and the defaults for where tributary and the project are. Rewrite the
// goldens with TRIBUTARY_UPDATE_GOLDEN=1 and review the diff.
#include "schedule/job_export.h"

#include <gtest/gtest.h>

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

Project LoadGoldenProject() {
  auto r = LoadProject(Golden() / "project");
  EXPECT_FALSE(r.diagnostics.HasErrors()) << r.diagnostics.RenderText();
  return *r.project;
}

struct Case {
  const char* name;
  JobFormat format;
  JobSplit split;
};

class JobExportGoldenTest : public ::testing::TestWithParam<Case> {};

TEST_P(JobExportGoldenTest, MatchesTheGoldenFiles) {
  const Case& c = GetParam();
  Project project = LoadGoldenProject();
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
    if (expected.count(f.name)) {
      EXPECT_EQ(f.content, ReadFile(dir / f.name)) << c.name << "/" << f.name;
    }
  }
  EXPECT_EQ(actual, expected) << "files of " << c.name
                              << " (rewrite with TRIBUTARY_UPDATE_GOLDEN=1 and review)";
}

INSTANTIATE_TEST_SUITE_P(
    Formats, JobExportGoldenTest,
    ::testing::Values(Case{"databricks", JobFormat::kDatabricks, JobSplit::kNone},
                      Case{"databricks_split_server", JobFormat::kDatabricks, JobSplit::kServer},
                      Case{"crontab", JobFormat::kCrontab, JobSplit::kNone},
                      Case{"systemd", JobFormat::kSystemd, JobSplit::kNone},
                      Case{"kubernetes", JobFormat::kKubernetes, JobSplit::kNone},
                      Case{"kubernetes_split_strategy", JobFormat::kKubernetes,
                           JobSplit::kStrategy}),
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

TEST(JobExportTest, SystemdUnitsPassSystemdAnalyzeVerify) {
  if (testing::RunProcess({"systemd-analyze", "--version"}).exit_code != 0) {
    GTEST_SKIP() << "systemd-analyze is not installed; the golden files still apply";
  }
  Project p = LoadGoldenProject();
  p.jobs.command = TRIBUTARY_BINARY;  // verify checks that the executable exists
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
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
}

}  // namespace
}  // namespace tributary
