// kill -9 of `tributary run` at random moments while a table loads under
// concurrent inserts and updates at the source; rerun, repeat. After each kill
// the sink holds a consistent table (no duplicate, no torn load); once the
// writer stops, one more run makes the sink equal the source — no missing row,
// no duplicate, every row's content. From SQLite (WAL) and PostgreSQL into
// DuckDB, and from PostgreSQL into the PostgreSQL sink; for full loads and
// incremental loads with a key (merge) and without (append).
// Iterations per case: TRIBUTARY_CRASH_ITERATIONS (default 6; raise it for a
// soak).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <stop_token>
#include <thread>

#include "support/process.h"
#include "support/quickstart.h"
#include "support/temp_dir.h"
#include "support/test_source.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;
using std::chrono::microseconds;
using std::chrono::milliseconds;

constexpr int kInitialRows = 20'000;
// 40 characters that make rows wide enough for a load to take a while.
constexpr const char* kPad = "-0123456789abcdefghijklmnopqrstuvwxyzABC";

int Iterations() {
  const char* env = std::getenv("TRIBUTARY_CRASH_ITERATIONS");
  return env != nullptr ? std::max(1, std::atoi(env)) : 6;
}

// The timestamp of the writer's n-th transaction. Three transactions in a
// row share one — as if they had begun in the same microsecond — so a run
// may read some rows of a timestamp and not the others, committed after it.
std::string Stamp(int64_t n) {
  time_t t = 1'767'225'600 + n / 3;  // from 2026-01-01 00:00:00 UTC
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &utc);
  return text;
}

enum class Load { kFull, kMerge, kAppend };

struct Case {
  std::string name;
  Load load;
};

// Every source kind into DuckDB, and PostgreSQL into the PostgreSQL sink.
struct Param {
  testing::TestSourceKind source;
  Case load;
  std::string sink;  // duckdb | postgresql
  std::string Name() const {
    return source.name + "_" + load.name + (sink == "duckdb" ? "" : "_to_" + sink);
  }
};
void PrintTo(const Param& p, std::ostream* out) { *out << p.Name(); }

std::vector<Param> Params() {
  std::vector<Case> loads = {{"full", Load::kFull},
                             {"incremental_merge", Load::kMerge},
                             {"incremental_append", Load::kAppend}};
  std::vector<Param> params;
  for (const auto& source : testing::TestSourceKinds()) {
    for (const Case& load : loads) params.push_back({source, load, "duckdb"});
  }
  for (const auto& source : testing::TestSourceKinds()) {
    if (source.name != "postgresql") continue;
    for (const Case& load : loads) params.push_back({source, load, "postgresql"});
  }
  return params;
}

std::string TableYaml(Load load) {
  switch (load) {
    case Load::kFull:
      return "";
    case Load::kMerge:
      return "        watermark_column: updated_at\n        primary_key: [id]\n";
    case Load::kAppend:
      return "        watermark_column: updated_at\n";
  }
  return "";
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Describes how `actual` differs from `expected` (both sorted), in a few lines.
std::string Difference(const std::vector<std::string>& expected,
                       const std::vector<std::string>& actual) {
  std::vector<std::string> missing, extra;
  std::set_difference(expected.begin(), expected.end(), actual.begin(), actual.end(),
                      std::back_inserter(missing));
  std::set_difference(actual.begin(), actual.end(), expected.begin(), expected.end(),
                      std::back_inserter(extra));
  std::ostringstream out;
  out << expected.size() << " expected, " << actual.size() << " found; " << missing.size()
      << " missing (first: " << (missing.empty() ? "-" : missing.front()) << "), " << extra.size()
      << " unexpected (first: " << (extra.empty() ? "-" : extra.front()) << ")";
  return out.str();
}

class CrashTest : public ::testing::TestWithParam<Param> {
 protected:
  void SetUp() override {
    const auto& kind = GetParam().source;
    source_ = kind.make(dir_.path());
    if (GetParam().sink == "postgresql") {
      for (const auto& k : testing::TestSourceKinds()) {
        if (k.name == "postgresql") sink_db_ = k.make(dir_.path());
      }
    }
    if (kind.name == "sqlite") source_->Exec("PRAGMA journal_mode=WAL");
    source_->Exec(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL, updated_at TIMESTAMP NOT "
        "NULL);"
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
        std::to_string(kInitialRows) + ") INSERT INTO t SELECT i, 'v' || i || '" + kPad + "', '" +
        Stamp(0) + "' FROM n");
    for (int i = 1; i <= kInitialRows; ++i) {
      history_.insert(std::to_string(i) + ":v" + std::to_string(i) + kPad + ":" + Stamp(0));
    }
    WriteProject();
  }

  void WriteProject() {
    std::ofstream project(dir_ / "tributary.yml");
    project << "project: crash\nsink: ";
    if (sink_db_) {
      project << Flow(sink_db_->Server(dir_.path()), ", database: " + sink_db_->Database());
    } else {
      project << "{kind: duckdb, path: lake.duckdb}";
    }
    project << "\nservers:\n  src: " << Flow(source_->Server(dir_.path())) << "\n";
    bool incremental = load() != Load::kFull;
    fs::path folder = dir_ / "ingest" / (incremental ? "incremental" : "full") / "src";
    fs::create_directories(folder);
    std::ofstream(folder / "src.yml") << "server: src\ndatabase: " << source_->Database()
                                      << "\nschemas:\n  - name: " << source_->Schema()
                                      << "\n    tables:\n      - name: t\n        sink_table: t\n"
                                      << TableYaml(load());
  }

  // A server entry as a YAML flow mapping, with `more` keys at the end.
  static std::string Flow(const ServerConfig& server, const std::string& more = "") {
    std::string yaml = "{kind: " + server.kind;
    for (const auto& [key, value] : server.settings) yaml += ", " + key + ": " + value;
    return yaml + more + "}";
  }

  Load load() const { return GetParam().load.load; }

  // Transaction n: 20 writes, all stamped Stamp(n): inserts of new ids
  // and updates of random existing ones (which move updated_at, as an
  // application's updates do).
  void WriteOnce(int64_t n, std::mt19937& rng) {
    std::string sql = "BEGIN;";
    std::vector<std::string> versions;
    for (int i = 0; i < 20; ++i) {
      bool update = rng() % 2 == 0;
      int64_t id = update ? 1 + static_cast<int64_t>(rng() % static_cast<uint32_t>(next_id_ - 1))
                          : next_id_++;
      std::string v = (update ? "u" : "i") + std::to_string(n) + "-" + std::to_string(i);
      sql += update ? "UPDATE t SET v = '" + v + "', updated_at = '" + Stamp(n) +
                          "' WHERE id = " + std::to_string(id) + ";"
                    : "INSERT INTO t VALUES (" + std::to_string(id) + ", '" + v + "', '" +
                          Stamp(n) + "');";
      versions.push_back(std::to_string(id) + ":" + v + ":" + Stamp(n));
    }
    {
      std::lock_guard lock(mutex_);  // before the commit: history is a superset
      history_.insert(versions.begin(), versions.end());
    }
    source_->Exec(sql + "COMMIT;");
  }

  void Write(const std::stop_token& stop) {
    try {
      std::mt19937 rng(42);
      for (int64_t n = 1; !stop.stop_requested(); ++n) {
        WriteOnce(n, rng);
        std::this_thread::sleep_for(milliseconds(2));
      }
    } catch (...) {
      writer_error_ = std::current_exception();
    }
  }

  // Runs tributary; kills it after `kill_after` when given.
  testing::ProcessResult Run(std::optional<microseconds> kill_after, bool full_refresh = false) {
    std::vector<std::string> args = {TRIBUTARY_BINARY, "--project", dir_.path().string(), "run"};
    if (full_refresh) args.push_back("--full-refresh");
    if (!kill_after) return testing::RunProcess(args);
    return testing::RunProcessKilledAfter(args, *kill_after);
  }

  // The first value of `sql` run in the sink database.
  std::string SinkScalar(const std::string& sql) {
    if (sink_db_) return sink_db_->Values(sql).at(0);
    return testing::DuckDbScalar(dir_ / "lake.duckdb", sql);
  }
  // "id:v:updated_at" of every bronze row, sorted.
  std::vector<std::string> BronzeRows() {
    std::vector<std::string> rows =
        sink_db_ ? sink_db_->Values(
                       "SELECT concat_ws(':', id, v, to_char(updated_at, 'YYYY-MM-DD HH24:MI:SS')) "
                       "FROM bronze.t")
                 : Lines(SinkScalar(
                       "SELECT coalesce(string_agg(concat_ws(':', id, v, strftime(updated_at, "
                       "'%Y-%m-%d %H:%M:%S')), chr(10)), '') FROM bronze.t"));
    std::sort(rows.begin(), rows.end());
    return rows;
  }
  std::vector<std::string> SourceRows() {
    std::vector<std::string> rows =
        source_->Values("SELECT id || ':' || v || ':' || " +
                        std::string(GetParam().source.name == "sqlite"
                                        ? "updated_at"
                                        : "to_char(updated_at, 'YYYY-MM-DD HH24:MI:SS')") +
                        " FROM t");
    std::sort(rows.begin(), rows.end());
    return rows;
  }
  bool BronzeExists() {
    return (sink_db_ || fs::exists(dir_ / "lake.duckdb")) &&
           SinkScalar(
               "SELECT count(*) FROM information_schema.tables WHERE table_schema = "
               "'bronze' AND table_name = 't'") == "1";
  }

  void ExpectConsistentAfterKill(int iteration);
  void ExpectSinkEqualsSource();

  testing::TempDir dir_;
  std::unique_ptr<testing::TestSource> source_;
  std::unique_ptr<testing::TestSource> sink_db_;  // the PostgreSQL sink's database, if used
  int64_t next_id_ = kInitialRows + 1;            // the writer's only
  std::mutex mutex_;
  std::set<std::string> history_;  // every version ever written
  std::exception_ptr writer_error_;
};

// Whatever the moment of the kill, bronze holds what one committed run left:
// a snapshot of the source, so every id from 1 to the largest once and, for
// append, no version twice.
void CrashTest::ExpectConsistentAfterKill(int iteration) {
  if (!BronzeExists()) return;  // no run has committed yet
  SCOPED_TRACE("after run " + std::to_string(iteration));
  std::string distinct =
      load() == Load::kAppend ? "count(DISTINCT (id, updated_at))" : "count(DISTINCT id)";
  EXPECT_EQ(SinkScalar("SELECT (" + distinct +
                       " = count(*) AND count(DISTINCT id) = " + "max(id))::VARCHAR FROM bronze.t"),
            "true");
}

void CrashTest::ExpectSinkEqualsSource() {
  std::vector<std::string> source = SourceRows(), bronze = BronzeRows();
  ASSERT_GE(source.size(), static_cast<size_t>(kInitialRows));
  if (load() != Load::kAppend) {
    EXPECT_TRUE(bronze == source) << Difference(source, bronze);
    return;
  }
  // Append keeps history: every current source row, each version at most
  // once, and nothing that never was at the source.
  EXPECT_TRUE(std::adjacent_find(bronze.begin(), bronze.end()) == bronze.end())
      << "a version twice";
  std::vector<std::string> current;
  std::set_intersection(bronze.begin(), bronze.end(), source.begin(), source.end(),
                        std::back_inserter(current));
  EXPECT_TRUE(current == source) << Difference(source, current);
  std::vector<std::string> never;
  std::set_difference(bronze.begin(), bronze.end(), history_.begin(), history_.end(),
                      std::back_inserter(never));
  EXPECT_TRUE(never.empty()) << never.size() << " rows never written, first: " << never.front();
}

TEST_P(CrashTest, KilledRunsRerunToExactlyTheSource) {
  std::jthread writer([&](std::stop_token stop) { Write(stop); });  // stopped on any exit
  std::mt19937 rng(7);
  // Kill moments are uniform over [0, span): the span follows how long a
  // whole run takes here (1.2 times the last one that completed, longer after
  // each kill), so kills land at every phase of a run on fast and slow machines.
  microseconds span = milliseconds(500);
  int killed = 0;
  for (int i = 0; i < Iterations(); ++i) {
    auto kill_after = microseconds(rng() % static_cast<uint32_t>(span.count()));
    bool full_refresh = load() != Load::kFull && i % 4 == 3;
    auto started = std::chrono::steady_clock::now();
    auto r = Run(kill_after, full_refresh);
    ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 128 + 9) << r.out << r.err;
    if (r.exit_code == 0) {
      span = std::chrono::duration_cast<microseconds>(std::chrono::steady_clock::now() - started) *
             6 / 5;
    } else {
      span = span * 5 / 4;
      ++killed;
    }
    ExpectConsistentAfterKill(i);
  }
  writer.request_stop();
  writer.join();
  if (writer_error_) std::rethrow_exception(writer_error_);
  auto last = Run(std::nullopt);
  ASSERT_EQ(last.exit_code, 0) << last.out << last.err;
  ExpectSinkEqualsSource();
  RecordProperty("killed", killed);
  RecordProperty("runs", Iterations());
}

INSTANTIATE_TEST_SUITE_P(Loads, CrashTest, ::testing::ValuesIn(Params()),
                         [](const auto& param_info) { return param_info.param.Name(); });

}  // namespace
}  // namespace tributary
