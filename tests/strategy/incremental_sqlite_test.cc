// SQLite keeps timestamps as ISO text (any separator, with offsets), Unix
// seconds or Julian days; incremental windows must be exact over all of them.
#include <gtest/gtest.h>

#include "engine/connectors.h"
#include "engine/runner.h"
#include "support/quickstart.h"
#include "support/sqlite_fixture.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

TEST(IncrementalSqliteTest, WindowsAreExactWhateverTheTimestampStorage) {
  testing::TempDir dir;
  testing::SqliteExec(dir / "src.db",
                      "CREATE TABLE t (id INTEGER, at TIMESTAMP);"
                      "INSERT INTO t VALUES (1, '2026-01-01 12:00:00'), "
                      "(2, '2026-01-01T11:00:00'), (3, 1767265200), "  // 11:00 UTC as Unix seconds
                      "(4, 2461041.75)");  // 2026-01-01 06:00 UTC as a Julian day
  Project project = testing::SqliteProject(dir.path(), "p");
  Task task = testing::SqliteTask("t", "incremental");
  task.options.watermark_column = "at";
  auto run = [&](Reload reload = {}) {
    auto sink = OpenSink(project);
    RunObserver observer;
    FakeClock clock(TimePoint(std::chrono::seconds(1'800'000'000)));
    RunOptions options;
    options.reload = reload;
    auto result = RunTasks(project, {task}, *sink, clock, options, observer).results.at(0);
    EXPECT_EQ(result.status, "succeeded") << result.error;
    return result.rows;
  };
  EXPECT_EQ(run(), 4);
  // 12:30 UTC written with an offset whose text sorts before "12:00"; and
  // 11:59 in the 'T' form whose text sorts after it: one must load, one not.
  testing::SqliteExec(dir / "src.db",
                      "INSERT INTO t VALUES (5, '2026-01-01 11:30:00-01:00'), "
                      "(6, '2026-01-01T11:59:59'), (7, 2461042.75)");  // 18:00 UTC
  EXPECT_EQ(run(), 3) << "1 at the watermark again, 5 and 7";
  EXPECT_EQ(
      testing::DuckDbScalar(dir / "lake.duckdb",
                            "SELECT string_agg(id::VARCHAR, ',' ORDER BY id) FROM bronze.src__t"),
      "1,2,3,4,5,7");
  // Infinite bounds: every finite value is inside.
  EXPECT_EQ(run(Reload{Reload::Kind::kBackfill, "-infinity", "infinity"}), 7);
  EXPECT_EQ(testing::DuckDbScalar(dir / "lake.duckdb", "SELECT count(*) FROM bronze.src__t"), "7");
}

}  // namespace
}  // namespace tributary
