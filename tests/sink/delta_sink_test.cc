// DeltaSink: the log it writes (checked by an independent reader), appends,
// replaces, merges that rewrite only affected files, delete windows, schema
// evolution, checkpoints, conflicts and put-if-absent.
#include "sink/delta_sink.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "config/project.h"
#include "sink/duckdb_test_util.h"
#include "sink/open_sink.h"
#include "support/delta_checker.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::IdNameBatch;
using ::testing::IsEmpty;
using testing::MakeSchema;

class DeltaSinkTest : public ::testing::Test {
 protected:
  DeltaSinkTest() : sink_(std::make_unique<DeltaSink>(dir_.path(), DeltaSinkOptions{})) {}

  void Load(const std::string& table, const std::vector<Batch>& batches, WriteMode mode,
            std::optional<std::string> state = std::nullopt, LoadSpec spec = {}) {
    spec.table = table;
    spec.schema = batches.front().schema();
    spec.mode = mode;
    auto txn = sink_->Begin(table);
    auto& writer = txn->Open(spec);
    for (const auto& b : batches) writer.Write(b);
    txn->Commit(state);
  }
  std::vector<std::string> Rows(const std::string& table) {
    return testing::DeltaRows(dir_ / table, "id || '=' || name", "id");
  }
  std::vector<std::string> Problems(const std::string& table) {
    return testing::CheckDeltaLog(dir_ / table);
  }

  testing::TempDir dir_;
  std::unique_ptr<DeltaSink> sink_;
};

TEST_F(DeltaSinkTest, FirstCommitHasProtocolMetadataAddAndTxn) {
  Load("t", {IdNameBatch(1, 3)}, WriteMode::kReplace, "s1");
  EXPECT_THAT(Problems("t"), IsEmpty());
  EXPECT_THAT(Rows("t"), ElementsAre("1=n1", "2=n2", "3=n3"));
  auto lines = testing::DeltaCommitLines(dir_ / "t", 0);
  ASSERT_GE(lines.size(), 5u);
  EXPECT_TRUE(json::parse(lines[0]).contains("commitInfo"));
  EXPECT_EQ(json::parse(lines[1]),
            json::parse(R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})"));
  json meta = json::parse(lines[2])["metaData"];
  EXPECT_EQ(meta["schemaString"],
            R"({"fields":[{"metadata":{},"name":"id","nullable":true,"type":"long"},)"
            R"({"metadata":{},"name":"name","nullable":true,"type":"string"}],"type":"struct"})");
  EXPECT_EQ(json::parse(lines[3])["txn"]["appId"], "t");
  EXPECT_EQ(json::parse(lines[3])["txn"]["version"], 1);
  EXPECT_EQ(sink_->ReadState("t"), "s1");
}

TEST_F(DeltaSinkTest, AppendAddsFilesAndReplaceRemovesEveryOldOne) {
  Load("t", {IdNameBatch(1, 2)}, WriteMode::kAppend);
  Load("t", {IdNameBatch(3, 4)}, WriteMode::kAppend);
  EXPECT_THAT(Rows("t"), ElementsAre("1=n1", "2=n2", "3=n3", "4=n4"));
  Load("t", {IdNameBatch(10, 10)}, WriteMode::kReplace);
  EXPECT_THAT(Rows("t"), ElementsAre("10=n10"));
  EXPECT_THAT(Problems("t"), IsEmpty());
}

}  // namespace
}  // namespace tributary

namespace tributary {
namespace {

TEST(DeltaOpenSinkTest, OpensTheDeltaKindWithItsSettings) {
  testing::TempDir dir;
  Project project;
  project.dir = dir.path();
  project.sink.kind = "delta";
  project.sink.path = "lake";
  project.sink.settings = {{"target_file_mb", "16"}, {"timestamp_ntz", "true"}};
  project.sink.table_properties = {{"delta.appendOnly", "false"}};
  auto sink = OpenSink(project);
  auto* delta = dynamic_cast<DeltaSink*>(sink.get());
  ASSERT_NE(delta, nullptr);
  EXPECT_EQ(delta->options().target_file_bytes, 16 << 20);
  EXPECT_TRUE(delta->options().timestamp_ntz);
  EXPECT_EQ(delta->options().table_properties.at("delta.appendOnly"), "false");
  EXPECT_TRUE(std::filesystem::is_directory(dir / "lake" / "_tributary"));
  project.sink.settings["target_file_mb"] = "lots";
  EXPECT_THROW(OpenSink(project), SinkError);
}

}  // namespace
}  // namespace tributary
