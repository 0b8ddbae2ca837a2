// One suite every remote ObjectStore passes unchanged, against the real
// emulators: moto (S3) and Azurite (Azure Blob).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <random>
#include <thread>

#include "store/object_store.h"
#include "support/store_emulators.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

using testing::AzuriteServer;
using testing::MotoServer;

namespace fs = std::filesystem;

// Small pages and parts so paging and multipart/block uploads run on small data.
constexpr int kPageSize = 7;
constexpr int64_t kPartSize = 5 << 20;  // S3's minimum part size

class RemoteStoreContract : public ::testing::TestWithParam<std::string> {
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

  // The store under a fresh prefix, or nullptr (the test then skips/fails).
  std::unique_ptr<ObjectStore> MakeStore() {
    std::string prefix = testing::UniquePrefix("contract");
    if (GetParam() == "s3") {
      if (moto_ == nullptr) return nullptr;
      S3Config config = moto_->Config(prefix);
      config.max_keys = kPageSize;
      config.part_size = kPartSize;
      config.multipart_threshold = kPartSize;
      StoreOptions keys;
      keys.aws_access_key_id = moto_->access_key_id;
      keys.aws_secret_access_key = moto_->secret_access_key;
      return std::make_unique<S3Store>(config, AwsCredentialChain(keys, HttpClient(), "us-east-1"));
    }
    if (azurite_ == nullptr) return nullptr;
    AzureConfig config = azurite_->Config(prefix);
    config.max_results = kPageSize;
    config.block_size = kPartSize;
    config.block_upload_threshold = kPartSize;
    AzureAuth auth;
    auth.account_key = AzuriteServer::kKey;
    return std::make_unique<AzureStore>(config, auth);
  }
  std::string Why() const { return GetParam() == "s3" ? moto_why_ : azurite_why_; }

  static MotoServer* moto_;
  static AzuriteServer* azurite_;
  static std::string moto_why_, azurite_why_;
};

MotoServer* RemoteStoreContract::moto_ = nullptr;
AzuriteServer* RemoteStoreContract::azurite_ = nullptr;
std::string RemoteStoreContract::moto_why_, RemoteStoreContract::azurite_why_;

#define MAKE_STORE(store)   \
  auto store = MakeStore(); \
  TRIBUTARY_REQUIRE_EMULATOR(store.get(), Why())

TEST_P(RemoteStoreContract, PutGetOverwriteAndMissing) {
  MAKE_STORE(store);
  EXPECT_EQ(store->Get("t/_delta_log/00000000000000000000.json"), std::nullopt);
  store->Put("t/_tributary/state.json", "{\"v\":1}");
  EXPECT_EQ(store->Get("t/_tributary/state.json"), "{\"v\":1}");
  store->Put("t/_tributary/state.json", "{\"v\":2}");
  EXPECT_EQ(store->Get("t/_tributary/state.json"), "{\"v\":2}");
  store->Put("t/empty", "");
  EXPECT_EQ(store->Get("t/empty"), "");
  std::string binary("\x00\x01\xff\r\n", 5);
  store->Put("t/odd name+é/part-0.bin", binary);
  EXPECT_EQ(store->Get("t/odd name+é/part-0.bin"), binary);
}

TEST_P(RemoteStoreContract, PutIfAbsentCreatesOnce) {
  MAKE_STORE(store);
  const std::string key = "t/_delta_log/00000000000000000000.json";
  EXPECT_TRUE(store->PutIfAbsent(key, "first"));
  EXPECT_FALSE(store->PutIfAbsent(key, "second"));
  EXPECT_EQ(store->Get(key), "first");
  EXPECT_TRUE(store->HasPutIfAbsent());
}

TEST_P(RemoteStoreContract, PutIfAbsentRaceHasOneWinner) {
  MAKE_STORE(store);
  for (int round = 0; round < 3; ++round) {
    std::string key = "t/_delta_log/0000000000000000000" + std::to_string(round) + ".json";
    std::atomic<int> winners{0};
    std::atomic<int> winner{-1};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
      threads.emplace_back([&, i] {
        if (store->PutIfAbsent(key, "writer " + std::to_string(i))) {
          ++winners;
          winner = i;
        }
      });
    }
    for (auto& t : threads) t.join();
    ASSERT_EQ(winners.load(), 1) << "round " << round;
    EXPECT_EQ(store->Get(key), "writer " + std::to_string(winner.load()));
  }
}

TEST_P(RemoteStoreContract, ListPagesInKeyOrderWithPrefixAndStartAfter) {
  MAKE_STORE(store);
  std::vector<std::string> keys;
  for (int i = 0; i < 3 * kPageSize + 4; ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "t/_delta_log/%020d.json", i);
    keys.push_back(name);
  }
  for (auto it = keys.rbegin(); it != keys.rend(); ++it) store->Put(*it, "x");
  store->Put("t2/_delta_log/00000000000000000000.json", "other table");
  store->Put("t/part-1.parquet", "12345");

  std::vector<ObjectInfo> log = store->List("t/_delta_log/");
  ASSERT_EQ(log.size(), keys.size());
  for (size_t i = 0; i < keys.size(); ++i) EXPECT_EQ(log[i].key, keys[i]);
  EXPECT_EQ(log[0].size, 1);
  EXPECT_GT(log[0].modified_ms, 1'600'000'000'000);

  std::vector<ObjectInfo> after = store->List("t/_delta_log/", keys[20]);
  ASSERT_EQ(after.size(), keys.size() - 21);
  EXPECT_EQ(after.front().key, keys[21]);

  std::vector<ObjectInfo> table = store->List("t/");
  EXPECT_EQ(table.size(), keys.size() + 1);
  EXPECT_EQ(table.back().key, "t/part-1.parquet");
  EXPECT_EQ(table.back().size, 5);
  EXPECT_EQ(store->List("t3/").size(), 0u);
  EXPECT_EQ(store->List("").size(), keys.size() + 2);
}

TEST_P(RemoteStoreContract, DeleteRemovesAndIgnoresMissing) {
  MAKE_STORE(store);
  store->Put("t/a", "1");
  store->Delete("t/a");
  EXPECT_EQ(store->Get("t/a"), std::nullopt);
  EXPECT_NO_THROW(store->Delete("t/never-there"));
  EXPECT_TRUE(store->List("t/").empty());
}

// The process's peak resident memory, after resetting it (Linux clear_refs).
int64_t ResetPeakRssKb() {
  std::ofstream("/proc/self/clear_refs") << "5";
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6));
  }
  return -1;
}

int64_t PeakRssKb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6));
  }
  return -1;
}

void WriteRandomFile(const fs::path& path, int64_t size) {
  std::mt19937_64 random(42);
  std::ofstream out(path, std::ios::binary);
  std::vector<uint64_t> chunk(8192);
  for (int64_t written = 0; written < size;) {
    for (auto& v : chunk) v = random();
    auto n = std::min<int64_t>(size - written, int64_t(chunk.size() * 8));
    out.write(reinterpret_cast<const char*>(chunk.data()), n);
    written += n;
  }
}

bool SameFiles(const fs::path& a, const fs::path& b) {
  std::ifstream x(a, std::ios::binary), y(b, std::ios::binary);
  std::vector<char> p(1 << 16), q(1 << 16);
  while (x && y) {
    x.read(p.data(), std::streamsize(p.size()));
    y.read(q.data(), std::streamsize(q.size()));
    if (x.gcount() != y.gcount() || !std::equal(p.begin(), p.begin() + x.gcount(), q.begin())) {
      return false;
    }
  }
  return x.eof() && y.eof();
}

TEST_P(RemoteStoreContract, LargeUploadStreamsInPartsWithBoundedMemoryAndRoundTrips) {
  MAKE_STORE(store);
  testing::TempDir dir;
  const int64_t size = 5 * kPartSize + 12345;  // six parts, the last one short
  WriteRandomFile(dir / "big.parquet", size);
  int64_t before = ResetPeakRssKb();
  store->Upload("t/part-00000-big.parquet", dir / "big.parquet");
  ASSERT_TRUE(store->Download("t/part-00000-big.parquet", dir / "back.parquet"));
  int64_t growth_kb = PeakRssKb() - before;
  EXPECT_LT(growth_kb, 2 * kPartSize / 1024) << "peak RSS grew by " << growth_kb << " kB";
  EXPECT_EQ(int64_t(fs::file_size(dir / "back.parquet")), size);
  EXPECT_TRUE(SameFiles(dir / "big.parquet", dir / "back.parquet"));
  std::vector<ObjectInfo> listed = store->List("t/");
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].size, size);
}

TEST_P(RemoteStoreContract, SmallUploadAndDownloadOfMissingObject) {
  MAKE_STORE(store);
  testing::TempDir dir;
  std::ofstream(dir / "small.json", std::ios::binary) << "{\"add\":{}}\n";
  store->Upload("t/_delta_log/00000000000000000001.json", dir / "small.json");
  EXPECT_EQ(store->Get("t/_delta_log/00000000000000000001.json"), "{\"add\":{}}\n");
  EXPECT_FALSE(store->Download("t/missing.parquet", dir / "missing.parquet"));
  EXPECT_FALSE(fs::exists(dir / "missing.parquet"));
  std::ofstream(dir / "empty", std::ios::binary).flush();
  store->Upload("t/empty", dir / "empty");
  EXPECT_EQ(store->Get("t/empty"), "");
}

INSTANTIATE_TEST_SUITE_P(Store, RemoteStoreContract, ::testing::Values("s3", "azure"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace tributary
