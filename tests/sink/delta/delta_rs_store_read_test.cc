// delta-rs reads the Delta tables tributary writes to object storage — S3
// through moto, Azure Blob through Azurite — from the store itself, with its
// own object-store client: every version's row count, the latest rows, and
// the add statistics, which must be what our log says.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/delta_checker.h"
#include "support/delta_reader_tables.h"
#include "support/delta_readers.h"
#include "support/store_fixture.h"
#include "support/temp_dir.h"

namespace tributary::testing {
namespace {

using nlohmann::json;
using ::testing::IsEmpty;

// delta-rs's own names for the emulators' settings. Its Azure client takes
// the emulator's address from the environment only.
std::vector<std::string> StorageOptions(const TestStoreSpot& spot) {
  if (spot.kind == "s3") {
    return {"AWS_ENDPOINT_URL=" + spot.endpoint, "AWS_ALLOW_HTTP=true", "AWS_REGION=us-east-1",
            "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test"};
  }
  // Azurite's path-style endpoint: http://127.0.0.1:<port>/devstoreaccount1.
  std::string base = spot.endpoint.substr(0, spot.endpoint.rfind('/'));
  setenv("AZURITE_BLOB_STORAGE_URL", base.c_str(), 1);
  return {"AZURE_STORAGE_USE_EMULATOR=true", "AZURITE_BLOB_STORAGE_URL=" + base,
          "AZURE_STORAGE_ACCOUNT_NAME=devstoreaccount1",
          std::string("AZURE_STORAGE_ACCOUNT_KEY=") + AzuriteKey()};
}

using Case = std::pair<std::string, std::string>;  // store kind, reader table

class DeltaRsStoreReadTest : public ::testing::TestWithParam<Case> {};

TEST_P(DeltaRsStoreReadTest, ReadsFromTheStoreWhatWasWritten) {
  TRIBUTARY_REQUIRE_READER(DeltaReader::kDeltaRs);
  const auto& [kind, name] = GetParam();
  TestStoreSpot spot = NewTestStoreSpot(kind);
  if (spot.location.empty()) {
    std::unique_ptr<ObjectStore> none;
    TRIBUTARY_REQUIRE_STORE(none, kind);
  }
  TempDir mirror;
  ReaderTable table = WriteReaderTableAt(spot, mirror.path(), name);
  std::vector<std::string> args = {table.url, "--order-by", table.columns.front().name,
                                   "--from-version", std::to_string(table.first_version)};
  for (const std::string& option : StorageOptions(spot)) {
    args.push_back("--storage-option");
    args.push_back(option);
  }
  json read = RunReaderScript("delta_rs_read.py", args);
  EXPECT_EQ(read["version"], table.latest());
  std::vector<int64_t> counts;
  for (const json& v : read["versions"]) counts.push_back(v["rows"].get<int64_t>());
  EXPECT_EQ(counts, std::vector<int64_t>(table.version_rows.begin() + table.first_version,
                                         table.version_rows.end()));
  EXPECT_THAT(CompareReaderRows(table.schema(), table.rows, read["rows"]), IsEmpty());
  ASSERT_FALSE(table.live_adds.empty());
  EXPECT_THAT(CompareAddStats(table.schema(), table.live_adds, read["adds"]), IsEmpty());
}

std::vector<Case> Cases() {
  std::vector<Case> cases;
  for (const char* kind : {"s3", "azure"}) {
    for (const char* name :
         {"every_type", "partitioned", "merge", "evolution", "checkpoint_only", "compact"}) {
      cases.emplace_back(kind, name);
    }
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Stores, DeltaRsStoreReadTest, ::testing::ValuesIn(Cases()),
                         [](const auto& param) {
                           return param.param.first + "_" + param.param.second;
                         });

}  // namespace
}  // namespace tributary::testing
