// The Source/Reader contract (source/source.h), one suite run unchanged
// against every source kind of support/test_source.h: every logical type
// round-trips with NULLs and edge values, empty tables, batch limits, the
// end of a result, awkward identifiers, a missing table's error, WHERE
// filters, parallel reads, a reader dropped mid-stream or outliving its
// source, the query tag at the server, and no password in Describe(). A new
// source kind gets all of it from one entry in TestSourceKinds(); what a kind
// cannot hold or do, its fixture says, and the test skips.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <future>

#include "common/error.h"
#include "data/types.h"
#include "engine/connectors.h"
#include "support/reader_rows.h"
#include "support/temp_dir.h"
#include "support/test_source.h"
#include "support/type_samples.h"

namespace tributary {
namespace {

using ::testing::AllOf;
using testing::Drain;
using testing::Drained;
using testing::EveryType;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::Render;
using testing::TestSourceKind;
using testing::TypeSamples;

std::vector<std::string> Sorted(std::vector<std::string> rows) {
  std::sort(rows.begin(), rows.end());
  return rows;
}

// "a ""b""": an identifier quoted the way the fixtures' SQL takes it.
std::string Q(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

class ReaderContractTest : public ::testing::TestWithParam<TestSourceKind> {
 protected:
  ReaderContractTest() : db_(GetParam().make(dir_.path())) {
    project_.name = "reader_contract";
    project_.dir = dir_.path();
  }

  // The one place the suite opens a source: the way the engine does.
  std::unique_ptr<Source> Open(const ServerConfig& server) {
    return OpenSource(project_, server, db_->Database());
  }
  std::unique_ptr<Source> Open() { return Open(db_->Server(dir_.path())); }

  TableRef Table(const std::string& name) const { return {db_->Schema(), name}; }
  // The request of a full (or, with `where`, an incremental) load of `table`.
  ReadRequest Request(Source& source, const std::string& table, const std::string& where = "",
                      int parallelism = 1) {
    return ReadRequest{Table(table), source.DescribeTable(Table(table)), where, parallelism,
                       "/* reader contract */ "};
  }
  Drained ReadTable(const std::string& table, const BatchLimits& limits = {}) {
    auto source = Open();
    return Drain(*source->Read(Request(*source, table)), limits);
  }
  // Table `name` (id BIGINT NOT NULL, pad TEXT) with ids 1..rows and pads of
  // about 200 bytes.
  void Fill(const std::string& name, int64_t rows) {
    db_->Exec("CREATE TABLE " + Q(name) + " (id BIGINT NOT NULL, pad TEXT); " +
              "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
              std::to_string(rows) + ") INSERT INTO " + Q(name) + " SELECT i, '" +
              std::string(200, 'p') + "' || i FROM n;");
  }
  std::string Int64Column() const { return db_->ColumnType(DataType{TypeId::kInt64}); }

  testing::TempDir dir_;
  Project project_;
  std::unique_ptr<testing::TestSource> db_;
};

// Creates a table (k, v) of `samples` as far as the kind holds them, plus a
// NULL row; returns the expected rows "k|v" or nothing when the kind has no
// column of the type.
std::vector<std::string> CreateSampleTable(testing::TestSource& db, const std::string& table,
                                           const TypeSamples& samples) {
  std::string column = db.ColumnType(samples.type);
  if (column.empty()) return {};
  std::string k_type = db.ColumnType(DataType{TypeId::kInt64});
  std::string sql = "CREATE TABLE " + table + " (k " + k_type + " NOT NULL, v " + column + ");";
  std::vector<std::string> expected;
  int64_t k = 0;
  for (const std::string& value : samples.values) {
    std::optional<std::string> literal = db.Literal(samples.type, value);
    if (!literal) continue;
    ++k;
    sql += fmt::format("INSERT INTO {} VALUES ({}, {});", table, k, *literal);
    expected.push_back(fmt::format("{}|{}", k, value));
  }
  sql += fmt::format("INSERT INTO {} VALUES ({}, NULL);", table, ++k);
  expected.push_back(fmt::format("{}|NULL", k));
  db.Exec(sql);
  return expected;
}

TEST_P(ReaderContractTest, EveryTypeRoundTripsWithNullsAndEdgeValues) {
  int held = 0;
  for (const TypeSamples& samples : EveryType()) {
    SCOPED_TRACE(TypeName(samples.type));
    std::string table = "t" + std::to_string(held);
    std::vector<std::string> expected = CreateSampleTable(*db_, table, samples);
    if (expected.empty()) continue;
    ++held;
    auto source = Open();
    ReadRequest request = Request(*source, table);
    ASSERT_EQ(request.columns.fields.size(), 2u);
    EXPECT_EQ(request.columns.fields[1].type, samples.type);
    auto reader = source->Read(request);
    EXPECT_EQ(reader->schema()->fields.at(1).type, samples.type);
    EXPECT_EQ(Sorted(Drain(*reader).rows), Sorted(expected));
  }
  EXPECT_GE(held, 12) << "the kind holds too few logical types to be a source";
}

TEST_P(ReaderContractTest, AllNullColumnsKeepTheirTypes) {
  std::string sql = "CREATE TABLE nulls (k " + Int64Column() + " NOT NULL";
  std::vector<DataType> types;
  for (const TypeSamples& samples : EveryType()) {
    std::string column = db_->ColumnType(samples.type);
    if (column.empty()) continue;
    sql += fmt::format(", c{} {}", types.size(), column);
    types.push_back(samples.type);
  }
  db_->Exec(sql + "); INSERT INTO nulls (k) VALUES (1); INSERT INTO nulls (k) VALUES (2);");
  auto source = Open();
  auto reader = source->Read(Request(*source, "nulls"));
  ASSERT_EQ(reader->schema()->fields.size(), types.size() + 1);
  for (size_t i = 0; i < types.size(); ++i) {
    EXPECT_EQ(reader->schema()->fields[i + 1].type, types[i]) << TypeName(types[i]);
  }
  std::string nulls;
  for (size_t i = 0; i < types.size(); ++i) nulls += "|NULL";
  EXPECT_EQ(Sorted(Drain(*reader).rows), (std::vector<std::string>{"1" + nulls, "2" + nulls}));
}

TEST_P(ReaderContractTest, AnEmptyTableHasItsSchemaAndNoRows) {
  db_->Exec("CREATE TABLE empty (b TEXT, a " + Int64Column() + " NOT NULL, c TEXT NOT NULL)");
  auto source = Open();
  Schema described = source->DescribeTable(Table("empty"));
  ASSERT_EQ(described.fields.size(), 3u);
  EXPECT_EQ(described.fields[0], (Field{"b", {TypeId::kText}, true}));
  EXPECT_EQ(described.fields[1], (Field{"a", {TypeId::kInt64}, false}));
  EXPECT_EQ(described.fields[2], (Field{"c", {TypeId::kText}, false}));
  auto reader = source->Read(Request(*source, "empty"));
  ASSERT_EQ(reader->schema()->fields.size(), 3u);
  EXPECT_EQ(reader->schema()->fields[1].name, "a");
  Batch batch(reader->schema());
  EXPECT_FALSE(reader->Next(batch, BatchLimits{}));
  EXPECT_EQ(batch.num_rows(), 0u);
}

TEST_P(ReaderContractTest, BatchesStopAtTheRowLimit) {
  Fill("rows", 1000);
  Drained read = ReadTable("rows", BatchLimits{64, size_t{1} << 30});
  EXPECT_EQ(read.rows.size(), 1000u);
  ASSERT_EQ(read.batch_rows.size(), 16u) << "15 full batches of 64 and one of 40";
  for (size_t i = 0; i + 1 < read.batch_rows.size(); ++i) EXPECT_EQ(read.batch_rows[i], 64u) << i;
  EXPECT_EQ(read.batch_rows.back(), 40u);
}

TEST_P(ReaderContractTest, BatchesStopAtTheByteLimit) {
  Fill("bytes", 1000);
  const size_t limit = 16 * 1024;
  Drained read = ReadTable("bytes", BatchLimits{1'000'000, limit});
  EXPECT_EQ(read.rows.size(), 1000u);
  EXPECT_GE(read.batch_rows.size(), 10u) << "about 230 bytes a row: ~70 rows a batch";
  for (size_t i = 0; i < read.batch_bytes.size(); ++i) {
    // Full at the row that crossed the limit: no more than a row (~230
    // bytes) past it.
    EXPECT_LT(read.batch_bytes[i], limit + 300) << i;
    if (i + 1 < read.batch_bytes.size()) {
      EXPECT_GE(read.batch_bytes[i], limit) << i;
    }
  }
}

TEST_P(ReaderContractTest, NextReturnsFalseAtTheEndAndKeepsReturningFalse) {
  Fill("end", 10);
  auto source = Open();
  auto reader = source->Read(Request(*source, "end"));
  Batch batch(reader->schema());
  ASSERT_TRUE(reader->Next(batch, BatchLimits{}));
  EXPECT_EQ(batch.num_rows(), 10u);
  for (int i = 0; i < 3; ++i) {
    Batch after(reader->schema());
    EXPECT_FALSE(reader->Next(after, BatchLimits{})) << "call " << i;
    EXPECT_EQ(after.num_rows(), 0u);
  }
}

TEST_P(ReaderContractTest, IdentifiersWithSpacesQuotesAndReservedWordsWork) {
  const std::string table = "order \"details\" 'x'";
  const std::vector<std::string> columns = {"select", "Mixed Case", "it's \"q\"", "from"};
  db_->Exec(fmt::format(
      "CREATE TABLE {0} ({1} {5}, {2} TEXT, {3} TEXT, {4} TEXT);"
      "INSERT INTO {0} VALUES (1, 'a', 'b', 'c'), (2, 'd', 'e', 'f');",
      Q(table), Q(columns[0]), Q(columns[1]), Q(columns[2]), Q(columns[3]), Int64Column()));
  auto source = Open();
  Schema schema = source->DescribeTable(Table(table));
  ASSERT_EQ(schema.fields.size(), 4u);
  for (size_t i = 0; i < columns.size(); ++i) EXPECT_EQ(schema.fields[i].name, columns[i]);
  std::string where = source->dialect().QuoteIdentifier("select") + " = " +
                      source->dialect().Literal(DataType{TypeId::kInt64}, "2");
  EXPECT_EQ(Drain(*source->Read(Request(*source, table, where))).rows,
            std::vector<std::string>{"2|d|e|f"});
  auto query = source->Query(source->dialect().SelectColumns(Table(table), schema) + " WHERE " +
                             source->dialect().QuoteIdentifier("it's \"q\"") + " = 'b'");
  EXPECT_EQ(Drain(*query).rows, std::vector<std::string>{"1|a|b|c"});
}

// The message of the SourceError `f` throws, whether at the call or at the
// first Next of the reader it returns.
template <class F>
std::string SourceErrorOf(F f) {
  try {
    if (auto reader = f()) Drain(*reader);
  } catch (const SourceError& e) {
    return e.what();
  }
  return "<no SourceError>";
}

TEST_P(ReaderContractTest, AMissingTableIsASourceErrorNamingIt) {
  auto source = Open();
  EXPECT_THAT(SourceErrorOf([&] {
                source->DescribeTable(Table("no such table"));
                return std::unique_ptr<Reader>();
              }),
              HasSubstr("no such table"));
  Schema columns{{Field{"id", {TypeId::kInt64}}}};
  EXPECT_THAT(SourceErrorOf([&] {
                return source->Read(ReadRequest{Table("no such table"), columns, "", 1, ""});
              }),
              HasSubstr("no such table"));
  Fill("after", 3);
  EXPECT_EQ(Drain(*source->Read(Request(*source, "after"))).rows.size(), 3u)
      << "the source stays usable after the error";
}

TEST_P(ReaderContractTest, AFailingQueryIsASourceErrorNamingServerAndDatabase) {
  auto source = Open();
  EXPECT_THAT(SourceErrorOf([&] { return source->Query("SELECT nope FROM nowhere"); }),
              AllOf(HasSubstr("'src'"), HasSubstr(db_->Database()), HasSubstr("nowhere")));
  Fill("later", 2);
  EXPECT_EQ(Drain(*source->Query("SELECT id FROM later")).rows.size(), 2u);
}

// The catalog questions of `tributary check` (engine/check.h): the table
// list suggestions come from, a query described without loading it, a
// zero-row read.
TEST_P(ReaderContractTest, CatalogListsTablesDescribesQueriesAndProbesReads) {
  Fill("listed one", 3);
  Fill("listed_two", 2);
  auto source = Open();
  std::vector<std::string> names;
  for (const TableRef& t : source->ListTables()) {
    if (t.schema == db_->Schema()) names.push_back(t.table);
  }
  EXPECT_THAT(names, ::testing::IsSupersetOf({"listed one", "listed_two"}));

  Schema described = source->DescribeQuery("SELECT id, pad AS \"the pad\" FROM " + Q("listed one") +
                                           " WHERE id > 1;\n");
  ASSERT_EQ(described.fields.size(), 2u);
  EXPECT_EQ(described.fields[0].name, "id");
  EXPECT_EQ(described.fields[1].name, "the pad");
  EXPECT_THAT(SourceErrorOf([&] {
                source->DescribeQuery("SELECT no_such_column FROM " + Q("listed one"));
                return std::unique_ptr<Reader>();
              }),
              HasSubstr("no_such_column"));
  EXPECT_THAT(SourceErrorOf([&] {
                source->DescribeQuery("SELEC id FROM " + Q("listed one"));
                return std::unique_ptr<Reader>();
              }),
              HasSubstr("SELEC"));

  source->ProbeRead(Table("listed one"), source->DescribeTable(Table("listed one")));
  Schema columns{{Field{"id", {TypeId::kInt64}}}};
  EXPECT_THAT(SourceErrorOf([&] {
                source->ProbeRead(Table("not listed"), columns);
                return std::unique_ptr<Reader>();
              }),
              HasSubstr("not listed"));
  EXPECT_EQ(Drain(*source->Read(Request(*source, "listed_two"))).rows.size(), 2u)
      << "the source stays usable after the errors";
}

// Change capture's prerequisites as `tributary check` asks them: findings
// for the database ("" table) and for each table, by its schema.table name;
// a kind without change capture says so per table instead of throwing.
TEST_P(ReaderContractTest, ChangeCaptureChecksNameTheDatabaseOrEachTable) {
  Fill("captured", 2);
  auto source = Open();
  Task task;
  task.strategy = "cdc";
  task.server = "src";
  task.database = db_->Database();
  task.source_schema = db_->Schema();
  task.source_table = "captured";
  task.sink_table = "src__captured";
  auto findings = source->CheckChangeCapture(project_, {task});
  ASSERT_FALSE(findings.empty());
  int about_table = 0;
  for (const SourceFinding& f : findings) {
    EXPECT_TRUE(f.table.empty() || f.table == db_->Schema() + ".captured") << f.table;
    EXPECT_FALSE(f.check.empty());
    EXPECT_FALSE(f.message.empty());
    about_table += f.table == db_->Schema() + ".captured";
  }
  EXPECT_GE(about_table, 1);
}

TEST_P(ReaderContractTest, AWhereFilterSelectsExactlyItsRows) {
  Fill("filtered", 100);
  db_->Exec("UPDATE filtered SET pad = 'it''s' WHERE id = 95");
  auto source = Open();
  const Dialect& d = source->dialect();
  std::string where = d.QuoteIdentifier("id") + " > " + d.Literal({TypeId::kInt64}, "90") +
                      " AND " + d.QuoteIdentifier("pad") + " <> " +
                      d.Literal({TypeId::kText}, "it's");
  ReadRequest request = Request(*source, "filtered", where);
  std::reverse(request.columns.fields.begin(), request.columns.fields.end());
  auto reader = source->Read(request);
  ASSERT_EQ(reader->schema()->fields.at(0).name, "pad") << "the request's column order";
  std::vector<std::string> ids;
  for (const std::string& row : Drain(*reader).rows) ids.push_back(row.substr(row.find('|') + 1));
  EXPECT_EQ(Sorted(ids), Sorted({"100", "91", "92", "93", "94", "96", "97", "98", "99"}));
}

TEST_P(ReaderContractTest, AParallelReadGivesTheRowsOfASerialOne) {
  if (db_->ParallelRows() == 0) GTEST_SKIP() << GetParam().name << " reads in one stream";
  Fill("big", db_->ParallelRows());
  auto source = Open();
  std::vector<std::string> serial = Sorted(Drain(*source->Read(Request(*source, "big"))).rows);
  ASSERT_EQ(serial.size(), static_cast<size_t>(db_->ParallelRows()));
  std::string where = source->dialect().QuoteIdentifier("id") + " % 3 <> 0";
  for (int parallelism : {2, 4}) {
    SCOPED_TRACE(parallelism);
    auto reader = source->Read(Request(*source, "big", "", parallelism));
    Batch first(reader->schema());
    ASSERT_TRUE(reader->Next(first, BatchLimits{1000, 1 << 20}));
    if (auto running = db_->RunningStatements()) {
      EXPECT_GE(running->size(), 2u) << "ranges are read at once";
    }
    std::vector<std::string> rows = Drain(*reader, BatchLimits{1000, 1 << 20}).rows;
    for (size_t r = 0; r < first.num_rows(); ++r) rows.push_back(Render(first, r));
    EXPECT_TRUE(Sorted(rows) == serial) << "the same rows, each once";
    Batch after(reader->schema());
    EXPECT_FALSE(reader->Next(after, BatchLimits{})) << "and it stays at the end";
    auto filtered = Drain(*source->Read(Request(*source, "big", where, parallelism))).rows;
    EXPECT_EQ(filtered.size(), serial.size() - serial.size() / 3);
  }
}

// Drops `table` from another connection, which waits while a reader still
// holds the table; fails the test when that takes 10 s.
void ExpectDroppable(testing::TestSource& db, const std::string& table,
                     std::unique_ptr<Source>& source) {
  auto drop = std::async(std::launch::async, [&] { db.Exec("DROP TABLE " + Q(table)); });
  if (drop.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    ADD_FAILURE() << "the dropped reader still holds " << table;
    source.reset();  // let the drop finish
  }
  drop.get();
}

TEST_P(ReaderContractTest, ADroppedReaderStopsPromptlyAndReleasesTheTable) {
  const int64_t rows = std::max<int64_t>(db_->ParallelRows(), 50'000);
  std::vector<int> parallelisms = {1};
  if (db_->ParallelRows() > 0) parallelisms.push_back(4);
  for (int parallelism : parallelisms) {
    SCOPED_TRACE(parallelism);
    const std::string table = "long" + std::to_string(parallelism);
    Fill(table, rows);
    auto source = Open();
    {
      auto reader = source->Read(Request(*source, table, "", parallelism));
      Batch batch(reader->schema());
      ASSERT_TRUE(reader->Next(batch, BatchLimits{10, 1 << 20}));
      auto start = std::chrono::steady_clock::now();
      reader.reset();
      EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
    }
    Fill("next" + std::to_string(parallelism), 5);
    EXPECT_EQ(
        Drain(*source->Read(Request(*source, "next" + std::to_string(parallelism)))).rows.size(),
        5u)
        << "the source reads on after a dropped reader";
    ExpectDroppable(*db_, table, source);
  }
}

TEST_P(ReaderContractTest, AReaderOutlivesItsSource) {
  Fill("kept", 3000);
  auto source = Open();
  auto reader = source->Read(Request(*source, "kept"));
  Batch first(reader->schema());
  ASSERT_TRUE(reader->Next(first, BatchLimits{10, 1 << 20}));
  source.reset();
  EXPECT_EQ(Drain(*reader).rows.size(), 3000u - first.num_rows());
}

TEST_P(ReaderContractTest, TheQueryTagLeadsTheStatementAtTheServer) {
  if (!db_->RunningStatements()) GTEST_SKIP() << GetParam().name << " keeps no statement record";
  Fill("tagged", 100'000);  // 20 MB: more than the connection buffers while one batch is read
  auto source = Open();
  ReadRequest request = Request(*source, "tagged");
  request.tag = "/* tributary run=contract task=tagged */ ";
  auto reader = source->Read(request);
  Batch batch(reader->schema());
  ASSERT_TRUE(reader->Next(batch, BatchLimits{10, 1 << 20}));
  std::vector<std::string> running = *db_->RunningStatements();
  ASSERT_EQ(running.size(), 1u) << "the reader's statement is still running";
  EXPECT_THAT(running[0], ::testing::StartsWith(request.tag));
}

TEST_P(ReaderContractTest, DescribeNamesServerAndDatabaseButNeverThePassword) {
  auto plain = Open();
  EXPECT_THAT(plain->Describe(), AllOf(HasSubstr("'src'"), HasSubstr(db_->Database())));
  std::optional<testing::PasswordLogin> login = db_->PasswordServer(dir_.path());
  if (!login) GTEST_SKIP() << GetParam().name << " has no password";
  std::string literal = login->server.settings.at("password");
  for (const std::string& setting :
       {literal, std::string("${env:TRIBUTARY_TEST_SOURCE_PASSWORD}")}) {
    SCOPED_TRACE(setting);
    setenv("TRIBUTARY_TEST_SOURCE_PASSWORD", login->password.c_str(), 1);
    login->server.settings["password"] = setting;
    auto source = Open(login->server);
    EXPECT_THAT(source->Describe(),
                AllOf(HasSubstr(db_->Database()), Not(HasSubstr(login->password))));
    EXPECT_THAT(SourceErrorOf([&] {
                  source->DescribeTable(Table("missing"));
                  return std::unique_ptr<Reader>();
                }),
                AllOf(HasSubstr("missing"), Not(HasSubstr(login->password))));
  }
  unsetenv("TRIBUTARY_TEST_SOURCE_PASSWORD");
}

INSTANTIATE_TEST_SUITE_P(Sources, ReaderContractTest,
                         ::testing::ValuesIn(testing::TestSourceKinds()),
                         [](const auto& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace tributary
