// DuckRowStream: a statement reads, in order, every row another thread pushes;
// aborting or bad text fails the statement; a stale stream id is an error.
#include "clients/duckdb/duckdb_row_stream.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "common/error.h"
#include "support/duckdb_fixture.h"

namespace tributary {
namespace {

using ::testing::HasSubstr;
using testing::MakeSchema;

class DuckRowStreamTest : public ::testing::Test {
 protected:
  DuckRowStreamTest() {
    EXPECT_NE(duckdb_open(nullptr, db_.out()), DuckDBError);
    EXPECT_NE(duckdb_connect(db_.get(), conn_.out()), DuckDBError);
    RegisterDuckRowStreams(conn_.get());
  }

  // id bigint = first.., name text: NULL every 5th row, else longer than
  // DuckDB's 12-byte inline strings.
  static Batch Rows(int64_t first, int64_t count) {
    Batch batch(MakeSchema({{"id", {TypeId::kInt64}}, {"name", {TypeId::kText}}}));
    for (int64_t id = first; id < first + count; ++id) {
      batch.column(0).Append<int64_t>(id);
      if (id % 5 == 0) {
        batch.column(1).AppendNull();
      } else {
        batch.column(1).AppendBytes("a longer name " + std::to_string(id));
      }
    }
    return batch;
  }

  DuckDatabase db_;
  DuckConnection conn_;
};

TEST_F(DuckRowStreamTest, AStatementReadsEveryRowPushedFromAnotherThreadInOrder) {
  DuckRowStream stream(Rows(0, 0).schema(), "t", 2);
  const std::vector<int64_t> sizes = {1, 3000, 2048, 0, 7, 10000, 2047};
  int64_t total = 0;
  for (int64_t n : sizes) total += n;
  std::jthread producer([&] {
    int64_t next = 0;
    for (int64_t n : sizes) {
      EXPECT_TRUE(stream.Push(Rows(next, n)));
      next += n;
    }
    stream.End();
  });
  // list() over the one-threaded scan keeps the stream's order.
  DuckResult result = DuckExec(
      conn_.get(),
      "SELECT count(*), sum(id), count(name), (list(id) = range(" + std::to_string(total) +
          "))::INTEGER, count(*) FILTER (WHERE name IS DISTINCT FROM CASE WHEN id % 5 = 0 THEN "
          "NULL ELSE 'a longer name ' || id END) FROM " +
          stream.FromSql(),
      "read the stream");
  EXPECT_EQ(ResultInt(result, 0, 0), total);
  EXPECT_EQ(ResultInt(result, 1, 0), total * (total - 1) / 2);
  EXPECT_EQ(ResultInt(result, 2, 0), total - (total + 4) / 5);
  EXPECT_EQ(ResultInt(result, 3, 0), 1) << "rows out of order";
  EXPECT_EQ(ResultInt(result, 4, 0), 0) << "names changed on the way";
}

TEST_F(DuckRowStreamTest, AbortingFailsTheStatementAndStopsThePushes) {
  DuckRowStream stream(Rows(0, 0).schema(), "orders", 1);
  std::jthread producer([&] {
    EXPECT_TRUE(stream.Push(Rows(0, 100)));
    stream.Abort();
    EXPECT_FALSE(stream.Push(Rows(100, 100)));
  });
  EXPECT_THAT(
      [&] { DuckExec(conn_.get(), "SELECT count(*) FROM " + stream.FromSql(), "read"); },
      ::testing::ThrowsMessage<SinkError>(HasSubstr("the rows of table 'orders' were abandoned")));
}

TEST_F(DuckRowStreamTest, TextThatIsNotUtf8FailsTheStatementNamingTheRow) {
  DuckRowStream stream(Rows(0, 0).schema(), "orders", 2);
  Batch bad = Rows(0, 10);
  Batch more(bad.shared_schema());
  more.column(0).Append<int64_t>(10);
  more.column(1).AppendBytes("caf\xE9");  // Latin-1, not UTF-8
  std::jthread producer([&] {
    stream.Push(bad);
    stream.Push(more);
    stream.End();
  });
  EXPECT_THAT([&] { DuckExec(conn_.get(), "SELECT count(*) FROM " + stream.FromSql(), "read"); },
              ::testing::ThrowsMessage<SinkError>(
                  HasSubstr("table 'orders' column 'name' row 11: text is not valid UTF-8")));
}

TEST_F(DuckRowStreamTest, AStreamThatIsGoneIsAnError) {
  std::string from;
  { from = DuckRowStream(Rows(0, 0).schema(), "t").FromSql(); }
  EXPECT_THAT([&] { DuckExec(conn_.get(), "SELECT * FROM " + from, "read"); },
              ::testing::ThrowsMessage<SinkError>(HasSubstr("no row stream")));
}

}  // namespace
}  // namespace tributary
