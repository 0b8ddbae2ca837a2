// `tributary run` of the quickstart into a Delta sink on object storage:
// moto (S3) and Azurite (Azure Blob). After two runs every table is copied
// back from the store and checked by the independent Delta log reader, and
// its rows are counted against the SQLite source.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "support/delta_checker.h"
#include "support/process.h"
#include "support/quickstart.h"
#include "support/store_emulators.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;
using testing::AzuriteServer;
using testing::MotoServer;

class ObjectStoreRun : public ::testing::TestWithParam<std::string> {
 protected:
  // Only the emulator of the parameter starts (ctest runs each test alone).
  void SetUp() override {
    if (GetParam() == "s3" && moto_ == nullptr && moto_why_.empty()) {
      moto_ = MotoServer::Start(&moto_why_, /*check_signatures=*/false).release();
    }
    if (GetParam() == "azure" && azurite_ == nullptr && azurite_why_.empty()) {
      azurite_ = AzuriteServer::Start(&azurite_why_).release();
    }
  }
  static void TearDownTestSuite() {
    delete moto_;
    delete azurite_;
    moto_ = nullptr;
    azurite_ = nullptr;
    moto_why_.clear();
    azurite_why_.clear();
  }

  bool Available() const { return GetParam() == "s3" ? moto_ != nullptr : azurite_ != nullptr; }
  std::string Why() const { return GetParam() == "s3" ? moto_why_ : azurite_why_; }

  // The sink block of tributary.yml and the variables its references need.
  std::string SinkBlock(const std::string& prefix) const {
    if (GetParam() == "s3") {
      return "sink:\n  kind: delta\n  path: s3://lake/" + prefix +
             "\n  aws_endpoint: \"${env:TEST_S3_ENDPOINT}\"\n"
             "  aws_access_key_id: \"${env:TEST_S3_KEY}\"\n"
             "  aws_secret_access_key: \"${env:TEST_S3_SECRET}\"\n";
    }
    return "sink:\n  kind: delta\n  path: abfss://lake@devstoreaccount1.dfs.core.windows.net/" +
           prefix + "\n  azure_endpoint: \"${env:TEST_AZ_ENDPOINT}\"\n" +
           "  azure_account_key: \"${env:TEST_AZ_KEY}\"\n";
  }
  std::vector<std::string> Env() const {
    if (GetParam() == "s3") {
      return {"TEST_S3_ENDPOINT=" + moto_->endpoint, "TEST_S3_KEY=" + moto_->access_key_id,
              "TEST_S3_SECRET=" + moto_->secret_access_key};
    }
    return {"TEST_AZ_ENDPOINT=" + azurite_->endpoint,
            std::string("TEST_AZ_KEY=") + AzuriteServer::kKey};
  }
  std::unique_ptr<ObjectStore> Store(const std::string& prefix) const {
    if (GetParam() == "s3") return moto_->Store(prefix);
    return azurite_->Store(prefix);
  }

  static MotoServer* moto_;
  static AzuriteServer* azurite_;
  static std::string moto_why_, azurite_why_;
};

MotoServer* ObjectStoreRun::moto_ = nullptr;
AzuriteServer* ObjectStoreRun::azurite_ = nullptr;
std::string ObjectStoreRun::moto_why_, ObjectStoreRun::azurite_why_;

void ReplaceSink(const fs::path& project, const std::string& block) {
  std::ifstream in(project / "tributary.yml");
  std::stringstream text;
  text << in.rdbuf();
  std::string yml = text.str();
  size_t start = yml.find("sink:\n");
  size_t end = yml.find("\n\n", start);
  ASSERT_NE(start, std::string::npos);
  yml.replace(start, end - start + 1, block);
  std::ofstream(project / "tributary.yml") << yml;
}

// Copies every object under `prefix` of the store into `dir`.
void CopyDown(ObjectStore& store, const std::string& prefix, const fs::path& dir) {
  for (const ObjectInfo& info : store.List(prefix)) {
    fs::path target = dir / info.key;
    fs::create_directories(target.parent_path());
    ASSERT_TRUE(store.Download(info.key, target)) << info.key;
  }
}

TEST_P(ObjectStoreRun, TheQuickstartLoadsTwiceIntoValidDeltaTables) {
  TRIBUTARY_REQUIRE_EMULATOR(Available() ? this : nullptr, Why());
  testing::TempDir dir;
  fs::path project = testing::MakeQuickstartProject(dir.path());
  std::string prefix = testing::UniquePrefix("bronze");
  ReplaceSink(project, SinkBlock(prefix));
  for (int run = 0; run < 2; ++run) {
    auto result = testing::RunTributary({"--project", project.string(), "run"}, Env());
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  }
  auto store = Store(prefix);
  testing::TempDir local;
  for (const std::string table : {"shop__orders", "shop__customers", "shop__events"}) {
    CopyDown(*store, table + "/", local.path());
    EXPECT_EQ(testing::CheckDeltaLog(local / table), std::vector<std::string>{}) << table;
    EXPECT_TRUE(store->Get(table + "/_delta_log/00000000000000000001.json")) << table;
  }
  std::string orders =
      testing::SqliteScalar(project / "data" / "shop.db", "SELECT count(*) FROM orders");
  EXPECT_EQ(std::to_string(testing::DeltaRows(local / "shop__orders", "1", "1").size()), orders);
}

INSTANTIATE_TEST_SUITE_P(Store, ObjectStoreRun, ::testing::Values("s3", "azure"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace tributary
