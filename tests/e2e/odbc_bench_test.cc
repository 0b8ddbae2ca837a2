// Not a test: the ODBC reader benchmark that bench/odbc.sh runs (disabled
// unless asked for; timings are printed, never asserted). Reads one SQLite
// table through the SQLite3 ODBC driver three ways — tributary's OdbcReader
// (bound row arrays), a plain row-at-a-time SQLFetch + SQLGetData client,
// and tributary's native SQLite reader — and prints the median rows/s.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

#include "engine/connectors.h"
#include "source/odbc/odbc_reader.h"
#include "support/odbc_fixture.h"
#include "support/sqlite_fixture.h"

namespace tributary {
namespace {

double MedianSeconds(int repeat, const std::function<size_t()>& run, size_t& rows) {
  std::vector<double> secs;
  for (int i = 0; i < repeat; ++i) {
    auto start = std::chrono::steady_clock::now();
    rows = run();
    secs.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(secs.begin(), secs.end());
  return secs[secs.size() / 2];
}

size_t DrainReader(Reader& reader) {
  Batch batch(reader.schema());
  size_t rows = 0;
  while (reader.Next(batch, BatchLimits{})) {
    rows += batch.num_rows();
    batch.Clear();
  }
  return rows;
}

// What a simple ODBC client does: one row per SQLFetch, every value through
// SQLGetData as text.
size_t RowAtATime(const std::string& connection_string, const std::string& sql) {
  OdbcHandle env = OdbcHandle::Allocate(SQL_HANDLE_ENV, SQL_NULL_HANDLE);
  SQLSetEnvAttr(env.get(), SQL_ATTR_ODBC_VERSION, reinterpret_cast<SQLPOINTER>(SQL_OV_ODBC3), 0);
  OdbcHandle dbc = OdbcHandle::Allocate(SQL_HANDLE_DBC, env.get());
  WideString cs = ToWide(connection_string);
  SQLDriverConnectW(dbc.get(), nullptr, cs.data(), static_cast<SQLSMALLINT>(cs.size()), nullptr, 0,
                    nullptr, SQL_DRIVER_NOPROMPT);
  size_t rows = 0;
  {
    OdbcHandle stmt = OdbcHandle::Allocate(SQL_HANDLE_STMT, dbc.get());
    WideString q = ToWide(sql);
    SQLExecDirectW(stmt.get(), q.data(), static_cast<SQLINTEGER>(q.size()));
    SQLSMALLINT columns = 0;
    SQLNumResultCols(stmt.get(), &columns);
    SQLWCHAR buffer[512];
    SQLLEN length;
    while (SQLFetch(stmt.get()) == SQL_SUCCESS) {
      for (SQLUSMALLINT c = 1; c <= static_cast<SQLUSMALLINT>(columns); ++c) {
        SQLGetData(stmt.get(), c, SQL_C_WCHAR, buffer, sizeof(buffer), &length);
      }
      ++rows;
    }
  }
  SQLDisconnect(dbc.get());
  return rows;
}

TEST(OdbcBench, DISABLED_ReadThroughTheSqliteOdbcDriver) {
  const char* file = std::getenv("TRIBUTARY_BENCH_SQLITE_DB");
  if (file == nullptr) GTEST_SKIP() << "run bench/odbc.sh";
  int repeat =
      std::getenv("TRIBUTARY_BENCH_REPEAT") ? std::atoi(std::getenv("TRIBUTARY_BENCH_REPEAT")) : 3;
  const std::string sql = "SELECT * FROM wide";
  OdbcConnectionString cs;
  cs.Add("DRIVER", testing::OdbcDriverPath("libsqlite3odbc.so", "libsqliteodbc"))
      .Add("Database", file);
  // TRIBUTARY_BENCH_ONLY=bound runs just the OdbcReader (for profiling).
  bool only_bound = std::getenv("TRIBUTARY_BENCH_ONLY") != nullptr;
  size_t rows = 0;
  double bound = MedianSeconds(
      repeat,
      [&] {
        auto conn = testing::OpenOdbc(cs, "bench");
        auto reader = conn->Query(sql);
        EXPECT_GT(static_cast<OdbcReader&>(*reader).rows_per_fetch(), 1u);
        return DrainReader(*reader);
      },
      rows);
  std::printf("rows %zu\nodbc_reader_bound %.3f s %.2f Mrows/s\n", rows, bound, rows / bound / 1e6);
  if (only_bound) return;
  double naive = MedianSeconds(
      repeat, [&] { return RowAtATime(cs.str(), sql); }, rows);
  std::filesystem::path path(file);
  Project project;
  project.dir = path.parent_path();
  ServerConfig server{"bench", "sqlite", {{"directory", "."}}, {}};
  double native = MedianSeconds(
      repeat,
      [&] {
        auto source = OpenSource(project, server, path.filename().string());
        return DrainReader(*source->Query(sql));
      },
      rows);
  auto rate = [&](double s) { return rows / s / 1e6; };
  std::printf("odbc_row_at_a_time %.3f s %.2f Mrows/s\n", naive, rate(naive));
  std::printf("native_sqlite_reader %.3f s %.2f Mrows/s\n", native, rate(native));
}

}  // namespace
}  // namespace tributary
