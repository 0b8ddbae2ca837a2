// End to end with a Delta Lake sink: the quickstart project loaded by the
// tributary binary into Delta tables (one partitioned, with table
// properties), checked by the independent log reader, and its run history.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "support/delta_checker.h"
#include "support/process.h"
#include "support/quickstart.h"
#include "support/store_fixture.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string Slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class DeltaCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    project_ = testing::MakeQuickstartProject(dir_.path());
    std::string config = Slurp(project_ / "tributary.yml");
    config = std::regex_replace(
        config, std::regex("sink:\\n  kind: duckdb\\n  path: lakehouse.duckdb\\n  schema: bronze"),
        "sink:\n  kind: delta\n  path: lake\n  table_properties:\n"
        "    delta.logRetentionDuration: interval 60 days");
    std::ofstream(project_ / "tributary.yml") << config;
    std::string ingest = Slurp(project_ / "ingest/full/shop/shop.yml");
    ingest = std::regex_replace(ingest, std::regex("- name: orders\\n        frequency: hourly"),
                                "- name: orders\n        frequency: hourly\n"
                                "        partition_by: [status]\n"
                                "        table_properties: {delta.checkpointInterval: \"5\"}");
    std::ofstream(project_ / "ingest/full/shop/shop.yml") << ingest;
  }
  testing::ProcessResult Tributary(std::vector<std::string> args) {
    args.insert(args.begin(), {"--project", project_.string()});
    return testing::RunTributary(args);
  }

  testing::TempDir dir_;
  fs::path project_;
};

TEST_F(DeltaCliTest, RunWritesValidDeltaTablesAndStatusReadsTheHistory) {
  auto validate = Tributary({"validate"});
  ASSERT_EQ(validate.exit_code, 0) << validate.out << validate.err;
  auto run = Tributary({"run"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  fs::path orders = project_ / "lake" / "shop__orders";
  EXPECT_THAT(testing::CheckDeltaLog(orders), IsEmpty());
  EXPECT_THAT(testing::CheckDeltaLog(project_ / "lake" / "shop__customers"), IsEmpty());
  std::string commit = testing::DeltaCommitLines(orders, 0)[2];
  EXPECT_THAT(commit, HasSubstr(R"("partitionColumns":["status"])"));
  EXPECT_THAT(commit, HasSubstr(R"("delta.checkpointInterval":"5")"));
  EXPECT_THAT(commit, HasSubstr(R"("delta.logRetentionDuration":"interval 60 days")"));
  auto adds = testing::DeltaLiveAdds(orders);
  ASSERT_FALSE(adds.empty());
  EXPECT_THAT(adds.front(), HasSubstr(R"("path":"status=)"));
  auto rows = testing::DeltaRows(orders, "count(*)", "1");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_NE(rows[0], "0");
  auto again = Tributary({"run", "--tables", "shop__orders"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(testing::DeltaRows(orders, "count(*)", "1"), rows);  // replaced, not doubled
  auto status = Tributary({"status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_THAT(status.out, HasSubstr("shop__orders"));
  EXPECT_THAT(status.out, HasSubstr("ok"));
  EXPECT_THAT(testing::CheckDeltaLog(project_ / "lake" / "_tributary" / "task_results"), IsEmpty());
}

TEST_F(DeltaCliTest, CompactMergesTheFilesOfAppendLoads) {
  std::string ingest = Slurp(project_ / "ingest/query/shop/shop.yml");
  ingest = std::regex_replace(ingest, std::regex("mode: overwrite"), "mode: append");
  std::ofstream(project_ / "ingest/query/shop/shop.yml") << ingest;
  for (int i = 0; i < 3; ++i) {
    auto run = Tributary({"run", "--tables", "shop__revenue_by_status"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  fs::path table = project_ / "lake" / "shop__revenue_by_status";
  ASSERT_EQ(testing::DeltaLiveAdds(table).size(), 3u);
  auto rows = testing::DeltaRows(table, "status || orders", "1");
  auto compact = Tributary({"compact", "--tables", "shop__revenue_by_status"});
  ASSERT_EQ(compact.exit_code, 0) << compact.err;
  EXPECT_THAT(compact.out, HasSubstr("compacted"));
  EXPECT_EQ(testing::DeltaLiveAdds(table).size(), 1u);
  EXPECT_EQ(testing::DeltaRows(table, "status || orders", "1"), rows);
  EXPECT_THAT(testing::CheckDeltaLog(table), IsEmpty());
}

TEST_F(DeltaCliTest, VacuumDeletesReplacedFilesPastTheRetentionOnly) {
  for (int i = 0; i < 3; ++i) {
    auto run = Tributary({"run", "--tables", "shop__customers"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  fs::path table = project_ / "lake" / "shop__customers";
  auto count_files = [&] {
    int n = 0;
    for (const auto& e : fs::directory_iterator(table)) n += e.path().extension() == ".parquet";
    return n;
  };
  ASSERT_EQ(count_files(), 3);
  auto rows = testing::DeltaRows(table, "count(*)", "1");
  auto kept = Tributary({"vacuum", "--tables", "shop__customers"});
  ASSERT_EQ(kept.exit_code, 0) << kept.err;
  EXPECT_THAT(kept.out, HasSubstr("nothing to do"));
  auto refused = Tributary({"vacuum", "--retain-hours", "0"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_THAT(refused.err, HasSubstr("--allow-short-retention"));
  auto dry = Tributary({"--verbose", "vacuum", "--tables", "shop__customers", "--retain-hours", "0",
                        "--allow-short-retention", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_THAT(dry.out, HasSubstr("dry run"));
  EXPECT_THAT(dry.err, HasSubstr("shop__customers/part-"));
  EXPECT_EQ(count_files(), 3);
  auto vacuum = Tributary(
      {"vacuum", "--tables", "shop__customers", "--retain-hours", "0", "--allow-short-retention"});
  ASSERT_EQ(vacuum.exit_code, 0) << vacuum.err;
  EXPECT_THAT(vacuum.out, HasSubstr("vacuumed"));
  EXPECT_EQ(count_files(), 1);
  EXPECT_EQ(testing::DeltaRows(table, "count(*)", "1"), rows);
  EXPECT_THAT(vacuum.out, ::testing::Not(HasSubstr("_tributary/runs"))) << "filtered: tables only";
  auto all = Tributary({"vacuum", "--dry-run"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_THAT(all.out, HasSubstr("_tributary/runs"));
  EXPECT_THAT(all.out, HasSubstr("_tributary/task_results"));
}

TEST_F(DeltaCliTest, RegisterExplainsThatALocalFolderCannotBeRegistered) {
  auto result = Tributary({"delta", "register", "--catalog", "main", "--schema", "bronze"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("is a local folder, which a Databricks workspace cannot read"));
}

// The same project with its bronze on S3 (moto): run, status from the run
// history in the bucket, vacuum, and the Unity Catalog statements.
TEST_F(DeltaCliTest, RunsOnS3AndRegistersItsTablesInUnityCatalog) {
  testing::TestStoreSpot spot = testing::NewTestStoreSpot("s3");
  if (spot.location.empty()) {
    std::unique_ptr<ObjectStore> none;
    TRIBUTARY_REQUIRE_STORE(none, "s3");
  }
  std::string config = Slurp(project_ / "tributary.yml");
  config = std::regex_replace(
      config, std::regex("  path: lake\n"),
      "  path: " + spot.location + "\n  aws_endpoint: " + spot.endpoint +
          "\n  aws_access_key_id: test\n  aws_secret_access_key: ${env:TEST_S3_SECRET}\n");
  std::ofstream(project_ / "tributary.yml") << config;
  setenv("TEST_S3_SECRET", "test", 1);
  auto run = Tributary({"run"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_FALSE(fs::exists(project_ / "lake")) << "nothing written locally";
  auto status = Tributary({"status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_THAT(status.out, HasSubstr("shop__orders"));
  EXPECT_THAT(status.out, HasSubstr("ok"));
  auto vacuum = Tributary({"vacuum", "--dry-run"});
  ASSERT_EQ(vacuum.exit_code, 0) << vacuum.err;
  EXPECT_THAT(vacuum.out, HasSubstr("nothing to do"));
  auto reg = Tributary({"delta", "register", "--catalog", "main", "--schema", "bronze"});
  ASSERT_EQ(reg.exit_code, 0) << reg.err;
  EXPECT_THAT(reg.out, HasSubstr("CREATE SCHEMA IF NOT EXISTS `main`.`bronze`;"));
  EXPECT_THAT(reg.out, HasSubstr("CREATE TABLE IF NOT EXISTS `main`.`bronze`.`shop__orders` USING "
                                 "DELTA LOCATION '" +
                                 spot.location + "/shop__orders';"));
  auto store = testing::OpenTestStoreAt(spot);
  EXPECT_FALSE(store->List("shop__orders/_delta_log/").empty());
  EXPECT_TRUE(store->List("_tributary/write-check-").empty()) << "the write check cleans up";
}

TEST_F(DeltaCliTest, AMissingBucketIsReportedBeforeAnythingRunsAndNoSecretIsShown) {
  testing::TestStoreSpot spot = testing::NewTestStoreSpot("s3");
  if (spot.location.empty()) {
    std::unique_ptr<ObjectStore> none;
    TRIBUTARY_REQUIRE_STORE(none, "s3");
  }
  std::string config = Slurp(project_ / "tributary.yml");
  config =
      std::regex_replace(config, std::regex("  path: lake\n"),
                         "  path: s3://no-such-bucket/bronze\n  aws_endpoint: " + spot.endpoint +
                             "\n  aws_access_key_id: test\n"
                             "  aws_secret_access_key: ${env:TEST_S3_SECRET}\n");
  std::ofstream(project_ / "tributary.yml") << config;
  setenv("TEST_S3_SECRET", "not-shown-anywhere", 1);
  auto run = Tributary({"run"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("bucket 'no-such-bucket' does not exist"));
  EXPECT_THAT(run.err, HasSubstr("create it, or correct the sink path"));
  EXPECT_THAT(run.err + run.out, ::testing::Not(HasSubstr("not-shown-anywhere")));
}

TEST(CompactCliTest, ExplainsThatOtherSinksHaveNothingToCompact) {
  testing::TempDir dir;
  fs::path project = testing::MakeQuickstartProject(dir.path());
  auto result = testing::RunTributary({"--project", project.string(), "compact"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("the duckdb sink manages its own storage"));
}

}  // namespace
}  // namespace tributary
