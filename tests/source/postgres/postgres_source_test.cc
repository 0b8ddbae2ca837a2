// PostgresSource against the throwaway cluster: describing tables, strict
// type errors, queries through COPY, connection errors, what a DBA sees.
#include <cstdlib>
#include <thread>

#include "data/value_text.h"
#include "support/pg_fixture.h"

namespace tributary {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

class PostgresSourceTest : public testing::PgFixture {
 protected:
  // The message of what `f` throws, or "<no error>".
  template <class F>
  static std::string ErrorOf(F&& f) {
    try {
      f();
    } catch (const std::exception& e) {
      return e.what();
    }
    return "<no error>";
  }
  std::string QueryError(const std::string& sql) {
    auto source = Open();
    return ErrorOf([&] { Drain(*source->Query(sql)); });
  }
};

TEST_F(PostgresSourceTest, DescribesTablesWithTheirTypesAndNullability) {
  Exec(R"sql(
    CREATE SCHEMA "Sales";
    CREATE TABLE "Sales"."Order ""Lines""" (id bigint NOT NULL, "Qty" numeric(10,2),
      note text, at timestamptz NOT NULL, tags text[], dropped int);
    ALTER TABLE "Sales"."Order ""Lines""" DROP COLUMN dropped;
    CREATE TABLE plain (x int);
    CREATE VIEW recent AS SELECT id, note FROM "Sales"."Order ""Lines""";
  )sql");
  auto source = Open();
  Schema s = source->DescribeTable({"Sales", "Order \"Lines\""});
  Schema expected{{{"id", {TypeId::kInt64}, false},
                   {"Qty", DataType::Decimal(10, 2), true},
                   {"note", {TypeId::kText}, true},
                   {"at", {TypeId::kTimestampTz}, false},
                   {"tags", {TypeId::kJson}, true}}};
  EXPECT_EQ(s, expected);
  EXPECT_EQ(source->DescribeTable({"", "plain"}).fields.at(0).name, "x");  // search_path
  EXPECT_EQ(source->DescribeTable({"public", "recent"}).fields.size(), 2u);
  EXPECT_EQ(source->Describe(), "postgresql server 'pg' database '" + database_ + "'");
}

// The row estimate is the statistics' (after ANALYZE), summed over the leaf
// partitions of a partitioned table; a view has none.
TEST_F(PostgresSourceTest, EstimatesRowsFromTheStatisticsAfterAnalyze) {
  Exec(R"sql(
    CREATE TABLE big (id int);
    INSERT INTO big SELECT g FROM generate_series(1, 5000) g;
    CREATE TABLE parts (id int, at date) PARTITION BY RANGE (at);
    CREATE TABLE parts_a PARTITION OF parts FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
    CREATE TABLE parts_b PARTITION OF parts FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
    INSERT INTO parts SELECT g, '2024-06-01' FROM generate_series(1, 300) g;
    INSERT INTO parts SELECT g, '2025-06-01' FROM generate_series(1, 700) g;
    CREATE VIEW v AS SELECT id FROM big;
    ANALYZE big;
    ANALYZE parts;
  )sql");
  auto source = Open();
  EXPECT_EQ(source->EstimateRows({"public", "big"}), 5000);
  EXPECT_EQ(source->EstimateRows({"", "big"}), 5000);  // search_path
  EXPECT_EQ(source->EstimateRows({"public", "parts"}), 1000);
  EXPECT_EQ(source->EstimateRows({"public", "v"}), std::nullopt);
  Exec("INSERT INTO big SELECT g FROM generate_series(1, 100) g");
  EXPECT_EQ(source->EstimateRows({"public", "big"}), 5000);  // the statistics, not a count
}

TEST_F(PostgresSourceTest, AMissingTableIsNamed) {
  auto source = Open();
  EXPECT_THAT(
      ErrorOf([&] {
        source->DescribeTable({"public", "Orders"});
      }),
      AllOf(HasSubstr("postgresql server 'pg' database '" + database_ + "'"),
            HasSubstr("table 'public.Orders' does not exist"), HasSubstr("case-sensitive")));
}

TEST_F(PostgresSourceTest, UnmappableTypesNameTableColumnAndType) {
  Exec(R"sql(
    CREATE TYPE pair AS (a int, b text);
    CREATE DOMAIN cash AS money;
    CREATE TABLE odd (id int, m money, tt timetz, p point, r int4range, c pair, bits bit(3),
      ip inet, ms money[], dm cash);
    INSERT INTO odd VALUES (1, 1, '12:00+02', '(1,2)', '[1,2)', ROW(1, 'x'), B'101',
      '10.0.0.1', '{1}', 2);
  )sql");
  const std::vector<std::pair<std::string, std::string>> columns = {
      {"m", "money"}, {"tt", "time with time zone"},
      {"p", "point"}, {"r", "int4range"},
      {"c", "pair"},  {"bits", "bit"},
      {"ip", "inet"}, {"ms", "money[]"},
      {"dm", "money"}};  // a query's result describes a domain by its base type
  for (const auto& [column, type] : columns) {
    EXPECT_THAT(QueryError("SELECT id, " + column + " FROM odd"),
                AllOf(HasSubstr("query result column '" + column + "' has type " + type + ","),
                      HasSubstr("cannot load without loss"), HasSubstr("docs/postgresql.md")))
        << column;
  }
  auto source = Open();
  EXPECT_THAT(ErrorOf([&] {
                source->DescribeTable({"public", "odd"});
              }),
              HasSubstr("table 'public.odd' column 'm' has type money"));
  Exec("CREATE TABLE odd2 (id int, dm cash)");
  EXPECT_THAT(ErrorOf([&] {
                source->DescribeTable({"public", "odd2"});
              }),
              HasSubstr("table 'public.odd2' column 'dm' has type cash (a domain over money)"));
  RunSummary summary = Run({MakeTask("odd")});
  EXPECT_THAT(summary.results.at(0).error,
              AllOf(HasSubstr("table 'public.odd' column 'm' has type money"),
                    HasSubstr("SELECT \"m\"::text")));
  EXPECT_EQ(Bronze("SELECT count(*) FROM information_schema.tables WHERE table_name = 'pg__odd'"),
            std::vector<std::string>{"0"});
}

TEST_F(PostgresSourceTest, ValuesThatCannotBeRepresentedNameTableColumnAndRow) {
  Exec(R"sql(
    CREATE TABLE bad (id int, n numeric(10,2), ts timestamp, a int[]);
    INSERT INTO bad VALUES (1, 1, '2024-01-01', '{1}'), (2, 2, '2024-01-01', '{2}'),
      (3, 'NaN', '2024-01-01', '{3}'), (4, 4, '294270-01-01', '[0:1]={1,2}');
  )sql");
  EXPECT_THAT(QueryError("SELECT n FROM bad ORDER BY id"),
              AllOf(HasSubstr("column 'n' row 3: numeric NaN cannot be stored in decimal(10,2)"),
                    HasSubstr("NULLIF")));
  EXPECT_THAT(QueryError("SELECT ts FROM bad ORDER BY id"),
              HasSubstr("column 'ts' row 4: timestamp without time zone value after 294246 AD"));
  EXPECT_THAT(QueryError("SELECT a FROM bad ORDER BY id"),
              HasSubstr("column 'a' row 4: array with lower bound 0 cannot be represented"));
  RunSummary summary = Run({MakeTask("bad")});
  EXPECT_THAT(summary.results.at(0).error, HasSubstr("table 'public.bad' column 'n' row 3"));
}

TEST_F(PostgresSourceTest, QueriesRunAsOneStatementThroughCopy) {
  auto source = Open();
  Batch batch = Drain(*source->Query("/* tag */ SELECT 1 AS a, 'x' AS b;  \n"));
  ASSERT_EQ(batch.num_rows(), 1u);
  EXPECT_EQ(batch.column(1).GetBytes(0), "x");
  EXPECT_EQ(Drain(*source->Query("SELECT 2 AS a -- a trailing comment")).column(0).Get<int32_t>(0),
            2);
  EXPECT_THAT(QueryError("SELECT 1 AS a, 2 AS a"), HasSubstr("two columns named 'a'"));
  EXPECT_THAT(QueryError("SELECT 1; SELECT 2"),
              AllOf(HasSubstr("query failed"), HasSubstr("multiple commands")));
  EXPECT_THAT(QueryError("SELECT nope FROM nowhere"),
              HasSubstr("relation \"nowhere\" does not exist"));
}

TEST_F(PostgresSourceTest, AReaderClosedEarlyLeavesTheConnectionUsable) {
  auto source = Open();
  {
    auto reader = source->Query("SELECT i, repeat('x', 200) FROM generate_series(1, 200000) i");
    Batch batch(reader->schema());
    ASSERT_TRUE(reader->Next(batch, BatchLimits{10, 1 << 20}));
    EXPECT_EQ(batch.num_rows(), 10u);
  }
  Batch batch = Drain(*source->Query("SELECT 42 AS answer"));
  EXPECT_EQ(batch.column(0).Get<int32_t>(0), 42);
  Exec("CREATE TABLE after (x int)");
  EXPECT_EQ(source->DescribeTable({"public", "after"}).fields.at(0).name, "x");
}

TEST_F(PostgresSourceTest, ConnectionErrorsNameServerAndDatabaseButNeverThePassword) {
  ServerConfig& server = project_.servers[0];
  server.settings["port"] = "1";
  EXPECT_THAT(ErrorOf([&] { Open(); }),
              AllOf(HasSubstr("cannot connect to postgresql server 'pg' (host 127.0.0.1, port 1, "
                              "user tributary) database '" +
                              database_ + "'"),
                    HasSubstr("Connection refused")));

  server.settings["port"] = std::to_string(pg_.port());
  server.settings["user"] = testing::PgCluster::kPasswordUser;
  server.settings["password"] = "${env:TRIBUTARY_TEST_PG_PASSWORD}";
  setenv("TRIBUTARY_TEST_PG_PASSWORD", "wrong-Secret-99", 1);
  EXPECT_THAT(ErrorOf([&] { Open(); }),
              AllOf(HasSubstr("postgresql server 'pg'"), HasSubstr("database '" + database_),
                    HasSubstr("password authentication failed"), Not(HasSubstr("wrong-Secret"))));
  setenv("TRIBUTARY_TEST_PG_PASSWORD", testing::PgCluster::kPassword, 1);
  EXPECT_EQ(Drain(*Open()->Query("SELECT current_user::text AS u")).column(0).GetBytes(0),
            testing::PgCluster::kPasswordUser);
  unsetenv("TRIBUTARY_TEST_PG_PASSWORD");
  EXPECT_THAT(ErrorOf([&] { Open(); }), HasSubstr("TRIBUTARY_TEST_PG_PASSWORD is not set"));

  server.settings.erase("password");
  server.settings["user"] = "tributary";
  EXPECT_THAT(ErrorOf([&] { OpenSource(project_, server, "no_such_db"); }),
              HasSubstr("database \"no_such_db\" does not exist"));
}

TEST_F(PostgresSourceTest, ADbaSeesTheApplicationNameAndTheQueryTag) {
  CreateGatedView(1000, 500);
  SetGate(false);
  RunSummary summary;
  std::thread load([&] { summary = Run({MakeTask("slow")}); });
  std::string pid = WaitAtGate();
  std::string query = Scalar("SELECT query FROM pg_stat_activity WHERE pid = " + pid);
  SetGate(true);
  load.join();
  ASSERT_EQ(summary.results.at(0).status, "succeeded") << summary.results.at(0).error;
  EXPECT_THAT(query, AllOf(::testing::StartsWith("/* tributary run=" + summary.run.run_id +
                                                 " task=pg__slow strategy=full */ COPY (")));
  EXPECT_EQ(Bronze("SELECT count(*) FROM bronze.pg__slow"), std::vector<std::string>{"1000"});

  project_.servers[0].settings["application_name"] = "nightly loader";
  EXPECT_EQ(Drain(*Open()->Query("SELECT current_setting('application_name') AS a"))
                .column(0)
                .GetBytes(0),
            "nightly loader");
}

// Literals of every watermark-capable type match the value they came from,
// and a range predicate on an indexed column uses the index.
TEST_F(PostgresSourceTest, DialectLiteralsCompareLikeWithLike) {
  Exec(R"sql(
    CREATE TABLE lit (i8 bigint, i2 smallint, d numeric(10,2), f float8, b boolean, dt date,
      tm time, ts timestamp, tz timestamptz, iv interval, u uuid, t text, by bytea);
    INSERT INTO lit VALUES (-42, 7, -123.40, 0.1, true, '2026-03-29', '13:05:00.25',
      '2026-03-29 13:05:00.25', '2026-03-29 13:05:00.25+02', '1 mon 2 days 00:00:03',
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'it''s', '\x00ff');
    CREATE TABLE events AS SELECT i AS id, '2026-01-01'::timestamptz + i * interval '1 minute'
      AS at FROM generate_series(1, 20000) i;
    CREATE INDEX events_at ON events (at);
    ANALYZE events;
  )sql");
  auto source = Open();
  Batch row = Drain(*source->Query("SELECT * FROM lit"));
  for (size_t c = 0; c < row.num_columns(); ++c) {
    const Field& f = row.schema().fields[c];
    std::string literal = source->dialect().Literal(f.type, ValueText(row.column(c), 0));
    EXPECT_EQ(Scalar("SELECT count(*) FROM lit WHERE " + f.name + " = " + literal), "1")
        << f.name << " = " << literal;
  }
  std::string literal =
      source->dialect().Literal(DataType{TypeId::kTimestampTz}, "2026-01-14 21:00:00.000000+00:00");
  EXPECT_EQ(literal, "'2026-01-14 21:00:00.000000+00:00'::timestamptz");
  EXPECT_THAT(Scalar("EXPLAIN SELECT * FROM events WHERE at > " + literal),
              HasSubstr("Index Scan using events_at"));
}

}  // namespace
}  // namespace tributary
