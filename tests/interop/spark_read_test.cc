// Apache Spark with delta-spark reads the Delta tables tributary's sink
// writes (support/delta_reader_tables.h: every type, append and replace,
// partitions with a delete window, merge, delete window, schema evolution,
// checkpoints, compaction): one Spark session (tests/interop/spark_read.py)
// reads them all, then each test checks one table's rows, DESCRIBE HISTORY
// versions and operations, and schema. Its own binary and ctest entry, so
// the suite starts one JVM.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "support/delta_reader_tables.h"
#include "support/delta_readers.h"
#include "support/temp_dir.h"

namespace tributary::testing {
namespace {

using nlohmann::json;
using ::testing::IsEmpty;

// The tables written once, and what Spark read of each.
struct SparkRead {
  TempDir dir{"tributary-spark"};
  std::map<std::string, ReaderTable> tables;
  json read;
  std::string error;  // the Spark run failed as a whole
};

SparkRead& Shared() {
  static SparkRead* shared = [] {
    auto* s = new SparkRead;
    json list = json::array();
    for (const std::string& name : ReaderTableNames(DeltaReader::kSpark)) {
      ReaderTable t = WriteReaderTable(ReaderTablesRoot(s->dir), name);
      list.push_back(
          {{"name", name}, {"path", t.path.string()}, {"order_by", {t.columns.front().name}}});
      s->tables.emplace(name, std::move(t));
    }
    // vacuum: when `tributary vacuum` lands, add a table here that was loaded,
    // replaced and vacuumed, so Spark reads it after its old files are gone.
    std::ofstream(s->dir / "tables.json") << list.dump();
    try {
      s->read = RunReaderScriptTo("spark_read.py", {(s->dir / "tables.json").string()},
                                  s->dir / "read.json");
    } catch (const std::exception& e) {
      s->error = e.what();
    }
    return s;
  }();
  return *shared;
}

class SparkReadTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SparkReadTest, ReadsWhatWasWritten) {
  TRIBUTARY_REQUIRE_READER(DeltaReader::kSpark);
  SparkRead& spark = Shared();
  ASSERT_EQ(spark.error, "");
  const ReaderTable& table = spark.tables.at(GetParam());
  const json& read = spark.read["tables"][GetParam()];
  ASSERT_FALSE(read.contains("error")) << read["error"].get<std::string>();

  EXPECT_THAT(CompareReaderRows(table.schema(), table.rows, read["rows"]), IsEmpty());
  std::vector<int64_t> versions;
  std::vector<std::string> operations;
  for (const json& h : read["history"]) {
    versions.insert(versions.begin(), h["version"].get<int64_t>());
    operations.insert(operations.begin(), h["operation"].get<std::string>());
  }
  std::vector<int64_t> expected_versions;
  for (int64_t v = table.first_version; v <= table.latest(); ++v) expected_versions.push_back(v);
  EXPECT_EQ(versions, expected_versions);
  EXPECT_EQ(operations, std::vector<std::string>(table.operations.begin() + table.first_version,
                                                 table.operations.end()));
  ASSERT_EQ(read["schema"].size(), table.columns.size()) << read["schema"].dump();
  for (size_t c = 0; c < table.columns.size(); ++c) {
    EXPECT_EQ(read["schema"][c]["name"], table.columns[c].name);
    EXPECT_EQ(read["schema"][c]["type"], DeltaTypeOf(table.columns[c].type, table.timestamp_ntz))
        << table.columns[c].name;
  }
}

INSTANTIATE_TEST_SUITE_P(Tables, SparkReadTest,
                         ::testing::ValuesIn(ReaderTableNames(DeltaReader::kSpark)),
                         [](const auto& param) { return param.param; });

}  // namespace
}  // namespace tributary::testing
