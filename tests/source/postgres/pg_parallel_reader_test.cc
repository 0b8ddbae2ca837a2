// Parallel reads: page ranges, one exported snapshot for every connection
// (checked against a table that changes under the read), fallbacks, errors.
#include "source/postgres/pg_parallel_reader.h"

#include <libpq-fe.h>

#include <numeric>
#include <set>
#include <thread>

#include "source/postgres/pg_connect_info.h"
#include "source/postgres/postgres_source.h"
#include "support/pg_fixture.h"

namespace tributary {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

TEST(PgSplitPagesTest, CutsIntoEqualRangesWithAnOpenEnd) {
  PgParallelOptions options{100, 2};
  EXPECT_EQ(SplitPages(1000, 2, options),
            (std::vector<PgPageRange>{{0, 250}, {250, 500}, {500, 750}, {750, -1}}));
  EXPECT_EQ(SplitPages(350, 4, options),
            (std::vector<PgPageRange>{{0, 117}, {117, 234}, {234, -1}}));
  EXPECT_TRUE(SplitPages(199, 4, options).empty());  // fewer than two ranges: one stream
  EXPECT_TRUE(SplitPages(0, 4, options).empty());
  EXPECT_EQ(SplitPages(1'000'000, 3, options).size(), 6u);
}

class PgParallelReaderTest : public testing::PgFixture {
 protected:
  std::unique_ptr<Source> OpenWith(int64_t min_pages_per_range) {
    return std::make_unique<PostgresSource>(
        MakePgConnectInfo(project_, project_.servers[0], database_),
        PgParallelOptions{min_pages_per_range, 4});
  }
  ReadRequest Request(Source& source, const std::string& table, int parallelism,
                      const std::string& where = "") {
    TableRef ref{"public", table};
    return ReadRequest{ref, source.DescribeTable(ref), where, parallelism, "/* test */ "};
  }
  // Sessions of tributary connected to the test database now.
  // A closed connection's backend leaves pg_stat_activity a moment after the
  // client hangs up, so the count is read until it settles (up to 5 s).
  int Connections() {
    std::string sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + database_ +
                      "' AND application_name = 'tributary'";
    int count = std::stoi(Scalar(sql));
    for (int i = 0; i < 100; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      int again = std::stoi(Scalar(sql));
      if (again == count) return count;
      count = again;
    }
    return count;
  }
  // (rows, distinct ids, sum of column 1) of an (id int, x bigint, …) batch.
  static std::tuple<size_t, size_t, int64_t> Summary(const Batch& batch) {
    std::set<int32_t> ids;
    int64_t sum = 0;
    for (size_t r = 0; r < batch.num_rows(); ++r) {
      ids.insert(batch.column(0).Get<int32_t>(r));
      sum += batch.column(1).Get<int64_t>(r);
    }
    return {batch.num_rows(), ids.size(), sum};
  }
  void CreateAccounts(int rows, int fillfactor) {
    Exec(
        "CREATE TABLE accounts (id int PRIMARY KEY, balance bigint NOT NULL, note text) WITH "
        "(fillfactor = " +
        std::to_string(fillfactor) +
        "); INSERT INTO accounts SELECT i, 100, "
        "repeat('n', 40) FROM generate_series(1, " +
        std::to_string(rows) + ") i");
    Exec("VACUUM ANALYZE accounts");
  }
};

TEST_F(PgParallelReaderTest, ReadsEveryRowOnceOverSeveralConnections) {
  CreateAccounts(20000, 50);
  auto source = OpenWith(8);
  {
    auto reader = source->Read(Request(*source, "accounts", 4));
    EXPECT_EQ(Connections(), 4);
    EXPECT_EQ(Summary(Drain(*reader)), std::make_tuple(size_t{20000}, size_t{20000}, 2'000'000));
  }
  EXPECT_EQ(Connections(), 1);
  auto even = source->Read(Request(*source, "accounts", 3, "id % 2 = 0 AND note <> ''"));
  EXPECT_EQ(Summary(Drain(*even)), std::make_tuple(size_t{10000}, size_t{10000}, 1'000'000));
  EXPECT_EQ(Drain(*source->Query("SELECT 7 AS x")).column(0).Get<int32_t>(0), 7);
  // The range predicate is one a TID Range Scan serves (PostgreSQL 14+).
  EXPECT_THAT(Scalar("EXPLAIN SELECT * FROM accounts WHERE ctid >= '(10,0)'::tid AND ctid < "
                     "'(20,0)'::tid"),
              HasSubstr("Tid Range Scan"));
}

// N workers each fill a batch and the queue holds N more: the batch limits
// are shared out so that parallel reads hold no more memory than one stream.
TEST_F(PgParallelReaderTest, WorkersShareTheBatchLimits) {
  CreateAccounts(20000, 50);
  auto source = OpenWith(8);
  auto reader = source->Read(Request(*source, "accounts", 4));
  BatchLimits limits{8000, 64 << 20};
  size_t rows = 0, largest = 0;
  for (Batch batch(reader->schema()); reader->Next(batch, limits);
       batch = Batch(reader->schema())) {
    rows += batch.num_rows();
    largest = std::max(largest, batch.num_rows());
  }
  EXPECT_EQ(rows, 20000u);
  EXPECT_LE(largest, 2000u) << "8000 rows shared by 4 connections";
  EXPECT_GT(largest, 1000u);
}

TEST_F(PgParallelReaderTest, SmallTablesAndViewsAreReadInOneStream) {
  CreateAccounts(2000, 100);
  Exec("CREATE VIEW rich AS SELECT * FROM accounts WHERE balance >= 100");
  auto source = OpenWith(1024);
  {
    auto reader = source->Read(Request(*source, "accounts", 4));
    EXPECT_EQ(Connections(), 1);
    EXPECT_EQ(std::get<0>(Summary(Drain(*reader))), 2000u);
  }
  auto small_ranges = OpenWith(1);
  auto view = small_ranges->Read(Request(*small_ranges, "rich", 4));
  EXPECT_EQ(Connections(), 2);  // one per source
  EXPECT_EQ(std::get<0>(Summary(Drain(*view))), 2000u);
}

// A writer moves money between accounts and opens new ones, committing all
// the time. Every committed state has the same total and ids 1..n without a
// gap; a read whose connections saw different states would break that.
TEST_F(PgParallelReaderTest, AllConnectionsSeeOneSnapshotWhileTheTableChanges) {
  CreateAccounts(20000, 100);  // full pages: every update moves its row to another page
  Exec(R"sql(
    CREATE TABLE control (stop boolean NOT NULL); INSERT INTO control VALUES (false);
    CREATE PROCEDURE churn() LANGUAGE plpgsql AS $$
    DECLARE a int; b int; n int := 20000;
    BEGIN
      LOOP
        EXIT WHEN (SELECT stop FROM control);
        a := 1 + floor(random() * n); b := 1 + floor(random() * n);
        UPDATE accounts SET balance = balance - 7 WHERE id = a;
        UPDATE accounts SET balance = balance + 7 WHERE id = b;
        n := n + 1;
        INSERT INTO accounts VALUES (n, 0, 'new');
        COMMIT;
      END LOOP;
    END $$;
  )sql");
  std::thread writer([&] { Exec("CALL churn()"); });
  auto source = OpenWith(4);
  for (int i = 0; i < 5; ++i) {
    Batch batch = Drain(*source->Read(Request(*source, "accounts", 4)));
    auto [rows, distinct, total] = Summary(batch);
    int32_t max_id = 0;
    for (size_t r = 0; r < rows; ++r) max_id = std::max(max_id, batch.column(0).Get<int32_t>(r));
    EXPECT_EQ(distinct, rows) << "read " << i << ": a row was seen twice";
    EXPECT_EQ(static_cast<size_t>(max_id), rows) << "read " << i << ": a row was missed";
    EXPECT_EQ(total, 2'000'000) << "read " << i << ": the total moved";
  }
  Exec("UPDATE control SET stop = true");
  writer.join();
  EXPECT_GT(std::stoi(Scalar("SELECT max(id) FROM accounts")), 20000);  // the writer did write
}

TEST_F(PgParallelReaderTest, AFailingConnectionFailsTheReadAndFreesTheSource) {
  Exec(
      "CREATE TABLE prices (id int, amount bigint, price numeric(10,2)); INSERT INTO prices "
      "SELECT i, i, CASE WHEN i = 15000 THEN 'NaN'::numeric ELSE i END FROM generate_series(1, "
      "20000) i");
  auto source = OpenWith(4);
  try {
    Drain(*source->Read(Request(*source, "prices", 4)));
    FAIL() << "expected an error";
  } catch (const SourceError& e) {
    EXPECT_THAT(e.what(), AllOf(HasSubstr("table 'public.prices' (connection "),
                                HasSubstr("column 'price'"), HasSubstr("numeric NaN")));
  }
  EXPECT_EQ(Connections(), 1);
  EXPECT_EQ(Drain(*source->Query("SELECT 7 AS x")).column(0).Get<int32_t>(0), 7);
  // An abandoned parallel read also hands the source back.
  {
    auto reader = source->Read(Request(*source, "prices", 4, "id < 100"));
    Batch batch(reader->schema());
  }
  EXPECT_EQ(Scalar("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + database_ +
                   "' AND state = 'idle in transaction'"),
            "0");
}

// Polls pg_stat_activity on its own connection until stopped, keeping the
// largest number of tributary sessions it saw.
class SessionSampler {
 public:
  SessionSampler(const std::string& conninfo, const std::string& database)
      : conn_(PQconnectdb(conninfo.c_str())),
        sql_("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + database +
             "' AND application_name = 'tributary'"),
        thread_([this] { Loop(); }) {}
  ~SessionSampler() {
    stop_ = true;
    thread_.join();
    PQfinish(conn_);
  }
  int max() const { return max_; }

 private:
  void Loop() {
    while (!stop_) {
      PGresult* r = PQexec(conn_, sql_.c_str());
      if (PQresultStatus(r) == PGRES_TUPLES_OK)
        max_ = std::max(max_.load(), std::atoi(PQgetvalue(r, 0, 0)));
      PQclear(r);
    }
  }
  PGconn* conn_;
  std::string sql_;
  std::atomic<bool> stop_{false};
  std::atomic<int> max_{0};
  std::thread thread_;
};

TEST_F(PgParallelReaderTest, TheRunnerReadsWithTheTasksParallelism) {
  // 30 000 rows at fillfactor 10: over 2 × 1024 pages, enough for the default split.
  CreateAccounts(30000, 10);
  ASSERT_GT(std::stoi(Scalar("SELECT relpages FROM pg_class WHERE relname = 'accounts'")), 2048);
  Task task = MakeTask("accounts");
  task.options.parallelism = 3;
  int sessions = 0;
  {
    SessionSampler sampler(pg_.ConnectionString(database_), database_);
    RunSummary summary = Run({task});
    ASSERT_EQ(summary.results.at(0).status, "succeeded") << summary.results.at(0).error;
    sessions = sampler.max();
  }
  EXPECT_EQ(sessions, 3);
  EXPECT_EQ(Bronze("SELECT count(DISTINCT id) || '/' || sum(balance) FROM bronze.pg__accounts"),
            std::vector<std::string>{"30000/3000000"});
}

}  // namespace
}  // namespace tributary
