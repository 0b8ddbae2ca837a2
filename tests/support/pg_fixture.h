// A database in the shared throwaway PostgreSQL cluster, a project whose
// server `pg` points at it, and a DuckDB sink file to load it into.
#pragma once

#include <duckdb.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "config/project.h"
#include "engine/connectors.h"
#include "engine/runner.h"
#include "support/pg_cluster.h"
#include "support/temp_dir.h"

namespace tributary::testing {

// Every value of the first column of `sql` as DuckDB prints it ("NULL" for
// null), read in UTC from a read-only connection.
inline std::vector<std::string> DuckDbColumn(const std::filesystem::path& db,
                                             const std::string& sql) {
  duckdb_database database = nullptr;
  duckdb_config config = nullptr;
  duckdb_create_config(&config);
  duckdb_set_config(config, "access_mode", "READ_ONLY");
  char* error = nullptr;
  bool opened = duckdb_open_ext(db.c_str(), &database, config, &error) == DuckDBSuccess;
  duckdb_destroy_config(&config);
  if (!opened) {
    std::string message = error != nullptr ? error : "";
    duckdb_free(error);
    throw std::runtime_error("duckdb open: " + message);
  }
  duckdb_connection conn = nullptr;
  duckdb_connect(database, &conn);
  duckdb_result result;
  duckdb_query(conn, "SET TimeZone = 'UTC'", nullptr);
  std::vector<std::string> values;
  std::string failure;
  if (duckdb_query(conn, sql.c_str(), &result) == DuckDBError) {
    failure = duckdb_result_error(&result);
  } else {
    for (idx_t row = 0; row < duckdb_row_count(&result); ++row) {
      char* text = duckdb_value_varchar(&result, 0, row);
      values.push_back(text != nullptr ? text : "NULL");
      duckdb_free(text);
    }
  }
  duckdb_destroy_result(&result);
  duckdb_disconnect(&conn);
  duckdb_close(&database);
  if (!failure.empty()) throw std::runtime_error("duckdb: " + failure + " in: " + sql);
  return values;
}

class PgFixture : public ::testing::Test {
 protected:
  PgFixture() : pg_(SharedPgCluster()), database_(pg_.CreateDatabase()) {
    project_.name = "pg_test";
    project_.dir = dir_.path();
    project_.sink.path = "lake.duckdb";
    project_.servers = {pg_.Server("pg")};
  }

  void Exec(const std::string& sql) { pg_.Exec(sql, database_); }
  std::string Scalar(const std::string& sql) { return pg_.Scalar(sql, database_); }
  std::unique_ptr<Source> Open() { return OpenSource(project_, project_.servers[0], database_); }

  // Every row `reader` gives, in one batch.
  static Batch Drain(Reader& reader) {
    Batch batch(reader.schema());
    BatchLimits limits{1000, 1 << 20};
    for (Batch part(reader.schema()); reader.Next(part, limits); part = Batch(reader.schema())) {
      for (size_t c = 0; c < part.num_columns(); ++c) {
        for (size_t r = 0; r < part.num_rows(); ++r) {
          if (part.column(c).IsNull(r)) {
            batch.column(c).AppendNull();
          } else if (IsVarLen(part.column(c).type().id)) {
            batch.column(c).AppendBytes(part.column(c).GetBytes(r));
          } else {
            AppendSame(part.column(c), r, batch.column(c));
          }
        }
      }
    }
    return batch;
  }

  // A task of `strategy` for source table `table` (schema public), landing
  // as `pg__<table>`.
  Task MakeTask(const std::string& table, const std::string& strategy = "full") {
    Task t;
    t.strategy = strategy;
    t.server = "pg";
    t.database = database_;
    t.source_schema = "public";
    t.source_table = table;
    t.frequency = "daily";
    t.sink_table = "pg__" + table;
    return t;
  }

  // Runs `tasks` through the runner into the project's DuckDB sink.
  RunSummary Run(const std::vector<Task>& tasks, RunObserver* observer = nullptr) {
    auto sink = OpenSink(project_);
    RunOptions options;
    options.threads = 2;
    options.limits = limits_;
    RunObserver quiet;
    return RunTasks(project_, tasks, *sink, clock_, options, observer ? *observer : quiet);
  }

  // A view `slow` of `rows` rows (id, version, pad) whose reading waits at
  // row `stop_at` while the gate is closed, so a test can act in the middle
  // of a load. `version` is the gate table's, read once per query.
  void CreateGatedView(int rows, int stop_at) {
    Exec(
        "CREATE TABLE gate (open boolean NOT NULL, version int NOT NULL);"
        "INSERT INTO gate VALUES (true, 1);"
        "CREATE FUNCTION pass(i int) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$ BEGIN "
        "IF i = " +
        std::to_string(stop_at) +
        " THEN WHILE NOT (SELECT open FROM gate) LOOP "
        "PERFORM pg_sleep(0.02); END LOOP; END IF; RETURN true; END $$;"
        "CREATE VIEW slow AS SELECT i AS id, (SELECT version FROM gate) AS version, "
        "repeat('x', 100) AS pad FROM generate_series(1, " +
        std::to_string(rows) + ") i WHERE pass(i);");
  }
  void SetGate(bool open, int version = 1) {
    Exec("UPDATE gate SET open = " + std::string(open ? "true" : "false") +
         ", version = " + std::to_string(version));
  }
  // The pid of the tributary backend waiting at the gate; throws after 60 s.
  std::string WaitAtGate() {
    for (int i = 0; i < 3000; ++i) {
      std::string pid =
          Scalar("SELECT coalesce(max(pid)::text, '') FROM pg_stat_activity WHERE datname = '" +
                 database_ + "' AND wait_event = 'PgSleep' AND application_name = 'tributary'");
      if (!pid.empty()) return pid;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("no tributary backend reached the gate");
  }

  std::vector<std::string> Bronze(const std::string& sql) {
    return DuckDbColumn(dir_ / "lake.duckdb", sql);
  }

  PgCluster& pg_;
  std::string database_;
  TempDir dir_;
  Project project_;
  SystemClock clock_;
  BatchLimits limits_;  // of loads through Run()

 private:
  static void AppendSame(const Column& from, size_t row, Column& to) {
    switch (FixedWidth(from.type().id)) {
      case 1:
        return to.Append(from.Get<uint8_t>(row));
      case 2:
        return to.Append(from.Get<int16_t>(row));
      case 4:
        return to.Append(from.Get<int32_t>(row));
      case 8:
        return to.Append(from.Get<int64_t>(row));
      default:
        return to.Append(from.Get<Uuid>(row));
    }
  }
};

}  // namespace tributary::testing
