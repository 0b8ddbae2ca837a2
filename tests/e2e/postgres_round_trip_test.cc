// Every mapped PostgreSQL type, edge values included, loaded by the runner
// (full strategy → PostgresSource → binary COPY → DuckDB sink) and read back
// from DuckDB as text.
#include "support/pg_fixture.h"

namespace tributary {
namespace {

using Values = std::vector<std::string>;

class PostgresRoundTripTest : public testing::PgFixture {
 protected:
  PostgresRoundTripTest() { limits_ = BatchLimits{3, 1 << 20}; }

  // Loads `tables` with the full strategy, in batches of 3 rows so values
  // cross batch boundaries; fails the test if a load fails.
  void Load(const std::vector<std::string>& tables) {
    std::vector<Task> tasks;
    for (const auto& t : tables) tasks.push_back(MakeTask(t));
    RunSummary summary = Run(tasks);
    for (const auto& r : summary.results) ASSERT_EQ(r.status, "succeeded") << r.error;
  }
  Values Column(const std::string& table, const std::string& column) {
    std::string quoted;
    for (char c : column) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return Bronze("SELECT CAST(\"" + quoted + "\" AS VARCHAR) FROM bronze.pg__" + table +
                  " ORDER BY id");
  }
  std::string DuckType(const std::string& table, const std::string& column) {
    return Bronze("SELECT data_type FROM information_schema.columns WHERE table_name = 'pg__" +
                  table + "' AND column_name = '" + column + "'")
        .at(0);
  }
  void Expect(const std::string& table,
              const std::vector<std::pair<std::string, Values>>& expected) {
    for (const auto& [column, values] : expected) {
      EXPECT_EQ(Column(table, column), values) << table << "." << column;
    }
  }
};

TEST_F(PostgresRoundTripTest, Numbers) {
  Exec(R"sql(
    CREATE TABLE numbers (id int PRIMARY KEY, b boolean, i2 smallint, i4 integer, i8 bigint,
      f4 real, f8 double precision, o oid);
    INSERT INTO numbers VALUES
      (1, true, -32768, -2147483648, -9223372036854775808, 'NaN', 'NaN', 0),
      (2, false, 32767, 2147483647, 9223372036854775807, 'Infinity', 'Infinity', 4294967295),
      (3, NULL, NULL, NULL, NULL, '-Infinity', '-Infinity', NULL),
      (4, true, 0, 0, 0, 3.4028235e38, 1.7976931348623157e308, 1),
      (5, false, -1, -1, -1, 1.5, 0.1, 2),
      (6, NULL, 1, 1, 1, '-0', 4.9e-324, 3),
      (7, true, 2, 2, 2, NULL, NULL, 4);
  )sql");
  Load({"numbers"});
  Expect("numbers",
         {{"b", {"true", "false", "NULL", "true", "false", "NULL", "true"}},
          {"i2", {"-32768", "32767", "NULL", "0", "-1", "1", "2"}},
          {"i4", {"-2147483648", "2147483647", "NULL", "0", "-1", "1", "2"}},
          {"i8", {"-9223372036854775808", "9223372036854775807", "NULL", "0", "-1", "1", "2"}},
          {"f4", {"nan", "inf", "-inf", "3.4028235e+38", "1.5", "-0.0", "NULL"}},
          {"f8", {"nan", "inf", "-inf", "1.7976931348623157e+308", "0.1", "5e-324", "NULL"}},
          {"o", {"0", "4294967295", "NULL", "1", "2", "3", "4"}}});
  EXPECT_EQ(DuckType("numbers", "f4"), "FLOAT");
  EXPECT_EQ(DuckType("numbers", "o"), "BIGINT");
}

TEST_F(PostgresRoundTripTest, NumericIsExact) {
  Exec(R"sql(
    CREATE DOMAIN money_like AS numeric(12,2) CHECK (VALUE > -1000000);
    CREATE TABLE nums (id int PRIMARY KEY, n10_2 numeric(10,2), n38 numeric(38,0),
      n38_38 numeric(38,38), n4 numeric(4,4), neg_scale numeric(5,-2), big_scale numeric(3,5),
      wide numeric(50,10), free numeric, dom money_like);
  )sql");
  Exec(R"sql(
    INSERT INTO nums VALUES
      (1, 12345678.90, 99999999999999999999999999999999999999,
       0.00000000000000000000000000000000000001, 0.9999, 9999900, 0.00999,
       1234567890123456789012345678901234567890.0123456789,
       123456789012345678901234567890.123456789012345678901234567890, 1.5),
      (2, -0.01, -99999999999999999999999999999999999999,
       -0.99999999999999999999999999999999999999, -0.0001, -100, -0.00001,
       -0.0000000001, 'NaN', -999999.99),
      (3, 0, 0, 0, 0, 0, 0, 0, 'Infinity', 0),
      (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '-Infinity', NULL),
      (5, 1, 1, 0.5, 0.1, 200, 0.001, 1e39, 0.000000000000000000000000000000000000000000000001, 1),
      (6, 2, 2, 0.25, 0.2, 300, 0.002, 2, 100000000000000000000000000000000000000000000000000,
       2),
      (7, 3, 3, 0.125, 0.3, 400, 0.003, 3, -0.5, 3),
      (8, 4, 4, 0.1, 0.4, 500, 0.004, 4, 00012.3400, 4);
  )sql");
  Load({"nums"});
  Expect(
      "nums",
      {{"n10_2", {"12345678.90", "-0.01", "0.00", "NULL", "1.00", "2.00", "3.00", "4.00"}},
       {"n38", {std::string(38, '9'), "-" + std::string(38, '9'), "0", "NULL", "1", "2", "3", "4"}},
       // DuckDB prints decimals whose scale equals their precision without a leading 0.
       {"n38_38",
        {"." + std::string(37, '0') + "1", "-." + std::string(38, '9'), "." + std::string(38, '0'),
         "NULL", ".5" + std::string(37, '0'), ".25" + std::string(36, '0'),
         ".125" + std::string(35, '0'), ".1" + std::string(37, '0')}},
       {"n4", {".9999", "-.0001", ".0000", "NULL", ".1000", ".2000", ".3000", ".4000"}},
       {"neg_scale", {"9999900", "-100", "0", "NULL", "200", "300", "400", "500"}},
       {"big_scale",
        {".00999", "-.00001", ".00000", "NULL", ".00100", ".00200", ".00300", ".00400"}},
       {"wide",
        {"1234567890123456789012345678901234567890.0123456789", "-0.0000000001", "0.0000000000",
         "NULL", "1000000000000000000000000000000000000000.0000000000", "2.0000000000",
         "3.0000000000", "4.0000000000"}},
       {"free",
        {"123456789012345678901234567890.123456789012345678901234567890", "NaN", "Infinity",
         "-Infinity", "0.000000000000000000000000000000000000000000000001",
         "100000000000000000000000000000000000000000000000000", "-0.5", "12.3400"}},
       {"dom", {"1.50", "-999999.99", "0.00", "NULL", "1.00", "2.00", "3.00", "4.00"}}});
  EXPECT_EQ(DuckType("nums", "n10_2"), "DECIMAL(10,2)");
  EXPECT_EQ(DuckType("nums", "n38_38"), "DECIMAL(38,38)");
  EXPECT_EQ(DuckType("nums", "neg_scale"), "DECIMAL(7,0)");
  EXPECT_EQ(DuckType("nums", "big_scale"), "DECIMAL(5,5)");
  EXPECT_EQ(DuckType("nums", "wide"), "VARCHAR");
  EXPECT_EQ(DuckType("nums", "free"), "VARCHAR");
  EXPECT_EQ(DuckType("nums", "dom"), "DECIMAL(12,2)");
}

TEST_F(PostgresRoundTripTest, TextAndBytes) {
  Exec(R"sql(
    CREATE TYPE mood AS ENUM ('happy', 'sad', 'in between');
    CREATE DOMAIN short_text AS varchar(20) NOT NULL;
    CREATE TABLE texts (id int PRIMARY KEY, t text, vc varchar(10), ch char(5), nm name,
      "Mixed Case ""col""" text, by bytea, e mood, d short_text, c "char", x xml);
    INSERT INTO texts VALUES
      (1, '', '', '', '', 'x', '\x00ff00'::bytea, 'happy', '', 'a', '<a>1</a>'),
      (2, 'Åse 🙂 ünïcödé 中文', 'ñ', 'ab', 'pg_class', 'y', ''::bytea, 'in between', 'z', 'b',
       NULL),
      (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'n', NULL, NULL),
      (4, E'a"b''c\\d\ttab\nline', 'x', 'abcde', 'n', 'w', '\x00'::bytea, 'sad', 'q', 'c', NULL);
  )sql");
  Load({"texts"});
  Expect("texts", {{"t", {"", "Åse 🙂 ünïcödé 中文", "NULL", "a\"b'c\\d\ttab\nline"}},
                   {"vc", {"", "ñ", "NULL", "x"}},
                   {"ch", {"     ", "ab   ", "NULL", "abcde"}},
                   {"nm", {"", "pg_class", "NULL", "n"}},
                   {"Mixed Case \"col\"", {"x", "y", "NULL", "w"}},
                   {"by", {"\\x00\\xFF\\x00", "", "NULL", "\\x00"}},
                   {"e", {"happy", "in between", "NULL", "sad"}},
                   {"d", {"", "z", "n", "q"}},
                   {"c", {"a", "b", "NULL", "c"}},
                   {"x", {"<a>1</a>", "NULL", "NULL", "NULL"}}});
  EXPECT_EQ(DuckType("texts", "by"), "BLOB");
  EXPECT_EQ(DuckType("texts", "e"), "VARCHAR");
}

TEST_F(PostgresRoundTripTest, DatesAndTimes) {
  Exec(R"sql(
    CREATE TABLE times (id int PRIMARY KEY, d date, tm time, ts timestamp(6), tz timestamptz,
      iv interval);
    SET TimeZone = 'Europe/Oslo';
    INSERT INTO times VALUES
      (1, '2024-02-29', '00:00', '2024-05-01 12:34:56.123456', '2024-05-01 12:34:56.5+02',
       '1 year 2 months 3 days 04:05:06.000007'),
      (2, 'infinity', '23:59:59.999999', 'infinity', 'infinity', '-1 mons -2 days -00:00:00.000001'),
      (3, '-infinity', '24:00:00', '-infinity', '-infinity', '0'),
      (4, '0044-03-15 BC', '12:00', '0044-03-15 12:00:00 BC', '1970-01-01 00:00:00+00',
       '100 years'),
      (5, '4713-01-01 BC', NULL, '4713-01-01 00:00:00 BC', '4713-01-01 00:00:00+00 BC',
       '-178000000 years'),
      (6, '5874897-12-31', '00:00:00.000001', '294246-12-31 23:59:59.999999',
       '294246-12-31 23:59:59.999999+00', '1 mon -1 day 25:00:00'),
      (7, '1969-12-31', '13:00', '1969-12-31 23:59:59.999999', '1999-12-31 23:00:00-01', NULL),
      (8, NULL, NULL, NULL, NULL, '-0.000001 seconds');
  )sql");
  Load({"times"});
  Expect("times", {{"d",
                    {"2024-02-29", "infinity", "-infinity", "0044-03-15 (BC)", "4713-01-01 (BC)",
                     "5874897-12-31", "1969-12-31", "NULL"}},
                   {"tm",
                    {"00:00:00", "23:59:59.999999", "24:00:00", "12:00:00", "NULL",
                     "00:00:00.000001", "13:00:00", "NULL"}},
                   {"ts",
                    {"2024-05-01 12:34:56.123456", "infinity", "-infinity",
                     "0044-03-15 (BC) 12:00:00", "4713-01-01 (BC) 00:00:00",
                     "294246-12-31 23:59:59.999999", "1969-12-31 23:59:59.999999", "NULL"}},
                   {"tz",
                    {"2024-05-01 10:34:56.5+00", "infinity", "-infinity", "1970-01-01 00:00:00+00",
                     "4713-01-01 (BC) 00:00:00+00", "294247-01-01 00:00:00.000999+00",
                     "2000-01-01 00:00:00+00", "NULL"}},
                   {"iv",
                    {"1 year 2 months 3 days 04:05:06.000007", "-1 month -2 days -00:00:00.000001",
                     "00:00:00", "100 years", "-178000000 years", "1 month -1 day 25:00:00", "NULL",
                     "-00:00:00.000001"}}});
  EXPECT_EQ(DuckType("times", "tz"), "TIMESTAMP WITH TIME ZONE");
  // DuckDB prints timestamptz through ICU, whose milliseconds blur the last
  // representable years (above); the stored microseconds are exact.
  EXPECT_EQ(Bronze("SELECT epoch_us(tz) - epoch_us(ts) FROM bronze.pg__times WHERE id = 6"),
            Values{"0"});
  EXPECT_EQ(Bronze("SELECT count(*) FROM bronze.pg__times WHERE isinf(ts) AND ts > now()"),
            Values{"1"});
}

TEST_F(PostgresRoundTripTest, UuidAndJson) {
  Exec(R"sql(
    CREATE TABLE docs (id int PRIMARY KEY, u uuid, j json, jb jsonb);
    INSERT INTO docs VALUES
      (1, '00112233-4455-6677-8899-aabbccddeeff', '{"a":  [1, 2]}', '{"b": 1, "a": [true, null]}'),
      (2, 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'null', '"Åse 🙂"'),
      (3, NULL, NULL, NULL),
      (4, '00000000-0000-0000-0000-000000000000', '[]', '12.50');
  )sql");
  Load({"docs"});
  Expect("docs", {{"u",
                   {"00112233-4455-6677-8899-aabbccddeeff", "ffffffff-ffff-ffff-ffff-ffffffffffff",
                    "NULL", "00000000-0000-0000-0000-000000000000"}},
                  {"j", {"{\"a\":  [1, 2]}", "null", "NULL", "[]"}},
                  {"jb", {"{\"a\": [true, null], \"b\": 1}", "\"Åse 🙂\"", "NULL", "12.50"}}});
  EXPECT_EQ(DuckType("docs", "u"), "UUID");
  EXPECT_EQ(DuckType("docs", "jb"), "JSON");
}

TEST_F(PostgresRoundTripTest, ArraysBecomeJson) {
  Exec(R"sql(
    CREATE TYPE mood AS ENUM ('happy', 'sad');
    CREATE DOMAIN price AS numeric(6,2);
    CREATE TABLE arrays (id int PRIMARY KEY, ints int[], matrix int[][], texts text[],
      nums numeric[], prices price[], floats float8[], dates date[], stamps timestamptz[],
      bools boolean[], moods mood[], blobs bytea[], docs jsonb[], ids uuid[], f4 real[]);
    INSERT INTO arrays VALUES
      (1, '{1,NULL,3}', '{{1,2},{3,4}}', '{"a,b","c\"d",NULL,"","Åse"}', '{1.50,NaN,-Infinity}',
       '{1.5,NULL}', '{NaN,Infinity,-Infinity,1.5,0.1}', '{2024-01-01,infinity,-infinity}',
       '{"2024-05-01 12:00:00+00"}', '{true,false,NULL}', '{happy,sad}', '{"\\x00ff",NULL}',
       ARRAY['{"a": 1}'::jsonb, 'null'::jsonb], '{00112233-4455-6677-8899-aabbccddeeff}',
       '{0.1,3.4028235e38}'),
      (2, '{}', '{{{1},{2}},{{3},{4}}}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}',
       '{}', '{}', '{}'),
      (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
      (4, '{-2147483648}', '{{NULL,NULL}}', E'{"tab\there","new\nline"}',
       '{123456789012345678901234567890.5}', '{-0.01}', '{-0}', '{0044-03-15 BC}',
       '{infinity}', '{t}', '{}', '{""}', '{}', '{}', '{}');
  )sql");
  Load({"arrays"});
  Expect(
      "arrays",
      {{"ints", {"[1,null,3]", "[]", "NULL", "[-2147483648]"}},
       {"matrix", {"[[1,2],[3,4]]", "[[[1],[2]],[[3],[4]]]", "NULL", "[[null,null]]"}},
       {"texts", {R"(["a,b","c\"d",null,"","Åse"])", "[]", "NULL", R"(["tab\there","new\nline"])"}},
       {"nums",
        {R"([1.50,"NaN","-Infinity"])", "[]", "NULL", "[123456789012345678901234567890.5]"}},
       {"prices", {"[1.50,null]", "[]", "NULL", "[-0.01]"}},
       {"floats", {R"(["NaN","Infinity","-Infinity",1.5,0.1])", "[]", "NULL", "[-0]"}},
       {"dates", {R"(["2024-01-01","infinity","-infinity"])", "[]", "NULL", R"(["-0043-03-15"])"}},
       {"stamps", {R"(["2024-05-01 12:00:00.000000+00:00"])", "[]", "NULL", R"(["infinity"])"}},
       {"bools", {"[true,false,null]", "[]", "NULL", "[true]"}},
       {"moods", {R"(["happy","sad"])", "[]", "NULL", "[]"}},
       {"blobs", {R"(["\\x00ff",null])", "[]", "NULL", R"(["\\x"])"}},
       {"docs", {R"([{"a": 1},null])", "[]", "NULL", "[]"}},
       {"ids", {R"(["00112233-4455-6677-8899-aabbccddeeff"])", "[]", "NULL", "[]"}},
       {"f4", {"[0.1,3.4028235e+38]", "[]", "NULL", "[]"}}});
  EXPECT_EQ(DuckType("arrays", "matrix"), "JSON");
  EXPECT_EQ(Bronze("SELECT json_extract(matrix, '$[1][0]') FROM bronze.pg__arrays WHERE id = 1"),
            Values{"3"});
}

}  // namespace
}  // namespace tributary
