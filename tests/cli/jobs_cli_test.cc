// `tributary jobs export` through the binary, on the quickstart: printing,
// writing files, help, and refusing a schedule crontab cannot express.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/process.h"
#include "support/quickstart.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;
using testing::RunTributary;

class JobsCliTest : public ::testing::Test {
 protected:
  void SetUp() override { project_ = testing::MakeQuickstartProject(dir_.path()); }
  testing::ProcessResult Tributary(std::vector<std::string> args) {
    args.insert(args.begin(), {"--project", project_.string()});
    return RunTributary(args);
  }
  testing::TempDir dir_;
  fs::path project_;
};

TEST_F(JobsCliTest, CrontabIsPrintedWithThisExecutableAndTheProject) {
  auto r = Tributary({"jobs", "export", "--format", "crontab"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string run = fs::canonical(TRIBUTARY_BINARY).string() + " --project " + project_.string() +
                    " run --frequency hourly";
  EXPECT_NE(r.out.find("0 * * * * mkdir -p "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(run), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("CRON_TZ=Europe/Oslo\n0 5 * * * "), std::string::npos) << r.out;
}

TEST_F(JobsCliTest, OutputWritesOneFilePerJob) {
  std::ofstream(project_ / "tributary.yml", std::ios::app)
      << "jobs:\n  kubernetes_image: tributary:test\n";
  auto out = dir_ / "k8s";
  // The quickstart's DuckDB file would die with each pod: a volume is required.
  auto r =
      Tributary({"jobs", "export", "-f", "kubernetes", "--split", "server", "-o", out.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("set jobs.kubernetes_volume_claim"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
  std::ofstream(project_ / "tributary.yml", std::ios::app)
      << "  kubernetes_volume_claim: quickstart-project\n";
  r = Tributary({"jobs", "export", "-f", "kubernetes", "--split", "server", "-o", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(out / "quickstart-hourly.cronjob.yaml")) << r.out;
  EXPECT_TRUE(fs::exists(out / "quickstart-daily.cronjob.yaml"));
  EXPECT_TRUE(fs::exists(out / "quickstart-every-5-minutes.cronjob.yaml"));
  EXPECT_NE(r.out.find("wrote "), std::string::npos);
}

TEST_F(JobsCliTest, AnInexpressibleScheduleIsRefusedWithTheFrequencyAndWhy) {
  std::ifstream in(project_ / "tributary.yml");
  std::stringstream text;
  text << in.rdbuf();
  std::string yml = text.str();
  yml.replace(yml.find("\"0 0 5 * * ?\""), 13, "\"0 0 5 L * ?\"");
  std::ofstream(project_ / "tributary.yml") << yml;
  auto r = Tributary({"jobs", "export", "--format", "crontab"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("frequency 'daily' (cron \"0 0 5 L * ?\" in Europe/Oslo): 'L'"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(Tributary({"jobs", "export", "--format", "systemd"}).exit_code, 0);
}

TEST_F(JobsCliTest, UsageAndHelp) {
  EXPECT_EQ(Tributary({"jobs", "export"}).exit_code, 2);
  EXPECT_EQ(Tributary({"jobs", "export", "--format", "airflow"}).exit_code, 2);
  auto help = RunTributary({"jobs", "export", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("refused"), std::string::npos) << help.out;
  auto unknown = Tributary({"jobs", "export", "-f", "crontab", "--frequency", "hourli"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("did you mean 'hourly'"), std::string::npos) << unknown.err;
}

}  // namespace
}  // namespace tributary
