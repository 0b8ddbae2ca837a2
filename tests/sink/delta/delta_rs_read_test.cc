// delta-rs (the `deltalake` Python package) reads the Delta tables
// tributary's sink writes: every version's row count by time travel, the
// latest rows of every type, the schema and protocol, and the add actions'
// statistics, which must be what our log says. tests/interop/delta_rs_read.py
// does the reading; the tables come from support/delta_reader_tables.h.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "support/delta_checker.h"
#include "support/delta_reader_tables.h"
#include "support/delta_readers.h"
#include "support/temp_dir.h"

namespace tributary::testing {
namespace {

using nlohmann::json;
using ::testing::IsEmpty;

// One test per table (each a Python process): versions, rows, schema and
// protocol, stats.
class DeltaRsReadTest : public ::testing::TestWithParam<std::string> {};

void ExpectVersions(const ReaderTable& table, const json& read) {
  EXPECT_EQ(read["version"], table.latest());
  std::vector<int64_t> counts;
  for (const json& v : read["versions"]) counts.push_back(v["rows"].get<int64_t>());
  std::vector<int64_t> expected(table.version_rows.begin() + table.first_version,
                                table.version_rows.end());
  EXPECT_EQ(counts, expected) << "row counts of versions " << table.first_version << ".."
                              << table.latest();
  std::vector<std::string> operations;
  for (const json& h : read["history"]) operations.insert(operations.begin(), h["operation"]);
  std::vector<std::string> expected_operations(table.operations.begin() + table.first_version,
                                               table.operations.end());
  EXPECT_EQ(operations, expected_operations);
}

void ExpectSchemaAndProtocol(const ReaderTable& table, const json& read) {
  ASSERT_EQ(read["schema"].size(), table.columns.size()) << read["schema"].dump();
  for (size_t c = 0; c < table.columns.size(); ++c) {
    EXPECT_EQ(read["schema"][c]["name"], table.columns[c].name);
    EXPECT_EQ(read["schema"][c]["type"], DeltaTypeOf(table.columns[c].type, table.timestamp_ntz))
        << table.columns[c].name;
    EXPECT_EQ(read["schema"][c]["nullable"], true);
  }
  EXPECT_EQ(read["protocol"]["min_reader_version"], table.timestamp_ntz ? 3 : 1);
  EXPECT_EQ(read["protocol"]["min_writer_version"], table.timestamp_ntz ? 7 : 2);
  if (table.timestamp_ntz) {
    EXPECT_EQ(read["protocol"]["reader_features"], json::array({"timestampNtz"}));
    EXPECT_EQ(read["protocol"]["writer_features"], json::array({"timestampNtz"}));
  }
}

TEST_P(DeltaRsReadTest, ReadsWhatWasWritten) {
  TRIBUTARY_REQUIRE_READER(DeltaReader::kDeltaRs);
  TempDir dir;
  ReaderTable table = WriteReaderTable(ReaderTablesRoot(dir), GetParam());
  json read = RunReaderScript("delta_rs_read.py",
                              {table.path.string(), "--order-by", table.columns.front().name,
                               "--from-version", std::to_string(table.first_version)});
  ExpectVersions(table, read);
  ExpectSchemaAndProtocol(table, read);
  EXPECT_THAT(CompareReaderRows(table.schema(), table.rows, read["rows"]), IsEmpty());
  ASSERT_FALSE(table.live_adds.empty());
  EXPECT_THAT(CompareAddStats(table.schema(), table.live_adds, read["adds"]), IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(Tables, DeltaRsReadTest,
                         ::testing::ValuesIn(ReaderTableNames(DeltaReader::kDeltaRs)),
                         [](const auto& param) { return param.param; });

TEST(DeltaRsReadCheckpointTest, LastCheckpointPointsAtTheCheckpointDeltaRsReads) {
  TRIBUTARY_REQUIRE_READER(DeltaReader::kDeltaRs);
  TempDir dir;
  ReaderTable table = WriteReaderTable(dir.path(), "checkpoint_only");
  auto last = json::parse(std::ifstream(table.path / "_delta_log" / "_last_checkpoint"));
  EXPECT_EQ(last["version"], 10);
  json read = RunReaderScript("delta_rs_read.py", {table.path.string(), "--from-version", "11"});
  EXPECT_EQ(read["version"], 11);
  EXPECT_EQ(read["versions"][0]["rows"], table.version_rows[11]);
}

}  // namespace
}  // namespace tributary::testing
