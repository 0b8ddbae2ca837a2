// The local directory store: the ObjectStore contract on a file system.
#include "store/local_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "support/temp_dir.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;

class LocalStoreTest : public ::testing::Test {
 protected:
  testing::TempDir dir_;
  std::unique_ptr<ObjectStore> store_ = OpenLocalStore(dir_ / "root");
};

TEST_F(LocalStoreTest, PutGetAndDeleteRoundTrip) {
  EXPECT_EQ(store_->Get("t/a.json"), std::nullopt);
  store_->Put("t/a.json", "one");
  EXPECT_EQ(store_->Get("t/a.json"), "one");
  store_->Put("t/a.json", "two");
  EXPECT_EQ(store_->Get("t/a.json"), "two");
  store_->Delete("t/a.json");
  EXPECT_EQ(store_->Get("t/a.json"), std::nullopt);
  EXPECT_NO_THROW(store_->Delete("t/a.json")) << "deleting a missing object is no error";
  EXPECT_EQ(store_->LocalPath("t/a.json"), dir_ / "root" / "t" / "a.json");
}

TEST_F(LocalStoreTest, OnlyOneOfManyRacingPutIfAbsentWins) {
  std::atomic<int> wins{0};
  std::vector<std::thread> writers;
  for (int i = 0; i < 8; ++i) {
    writers.emplace_back([&, i] {
      if (store_->PutIfAbsent("t/_delta_log/00000000000000000001.json", std::to_string(i))) {
        ++wins;
      }
    });
  }
  for (auto& w : writers) w.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_FALSE(store_->PutIfAbsent("t/_delta_log/00000000000000000001.json", "late"));
  auto content = store_->Get("t/_delta_log/00000000000000000001.json");
  ASSERT_TRUE(content);
  EXPECT_EQ(content->size(), 1u) << "the winner's content, whole";
}

TEST_F(LocalStoreTest, ListIsRecursiveSortedFilteredAndHidesTempFiles) {
  for (const char* key : {"t/_delta_log/00000000000000000002.json", "t/part-b.parquet",
                          "t/_delta_log/00000000000000000001.json", "t/x=1/part-a.parquet",
                          "tx/other.json", "u/one.json"}) {
    store_->Put(key, key);
  }
  std::ofstream(dir_ / "root" / "t" / "_delta_log" / ".00000000000000000003.json.abc.tmp") << "x";
  std::vector<std::string> keys;
  for (const ObjectInfo& o : store_->List("t/")) keys.push_back(o.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"t/_delta_log/00000000000000000001.json",
                                            "t/_delta_log/00000000000000000002.json",
                                            "t/part-b.parquet", "t/x=1/part-a.parquet"}));
  auto after = store_->List("t/_delta_log/", "t/_delta_log/00000000000000000001.json");
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].key, "t/_delta_log/00000000000000000002.json");
  EXPECT_EQ(after[0].size, static_cast<int64_t>(after[0].key.size()));
  EXPECT_GT(after[0].modified_ms, 1'700'000'000'000);
  EXPECT_EQ(store_->List("t").size(), 5u) << "a prefix need not end at a folder";
  EXPECT_TRUE(store_->List("missing/").empty());
}

TEST_F(LocalStoreTest, UploadAndDownloadCopyWholeFiles) {
  std::string big(3 << 20, 'x');
  for (size_t i = 0; i < big.size(); i += 4096) big[i] = static_cast<char>('a' + i % 26);
  std::ofstream(dir_ / "big.bin", std::ios::binary) << big;
  store_->Upload("t/big.bin", dir_ / "big.bin");
  EXPECT_TRUE(fs::exists(dir_ / "big.bin")) << "the source stays";
  EXPECT_EQ(store_->Get("t/big.bin"), big);
  ASSERT_TRUE(store_->Download("t/big.bin", dir_ / "back.bin"));
  EXPECT_EQ(fs::file_size(dir_ / "back.bin"), big.size());
  EXPECT_FALSE(store_->Download("t/none.bin", dir_ / "none.bin"));
}

TEST(LocalStoreOpenTest, AnUncreatableRootIsAStoreErrorNamingIt) {
  testing::TempDir dir;
  std::ofstream(dir / "file") << "x";
  try {
    OpenLocalStore(dir / "file" / "root");
    FAIL() << "opened a folder below a file";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find((dir / "file" / "root").string()), std::string::npos);
  }
}

}  // namespace
}  // namespace tributary
