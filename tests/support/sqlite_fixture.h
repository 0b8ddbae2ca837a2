// A SQLite database file in a temp project, opened through OpenSource, and
// the project and task set-up of tests that load SQLite through the runner.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "config/project.h"
#include "engine/connectors.h"
#include "support/quickstart.h"
#include "support/temp_dir.h"

namespace tributary::testing {

class SqliteFixture : public ::testing::Test {
 protected:
  SqliteFixture() {
    project_.dir = dir_.path();
    server_.name = "shop";
    server_.kind = "sqlite";
    server_.settings["directory"] = "data";
    std::filesystem::create_directories(dir_ / "data");
  }

  void Exec(const std::string& sql) { SqliteExec(dir_ / "data" / "t.db", sql); }
  std::unique_ptr<Source> Open() { return OpenSource(project_, server_, "t.db"); }

  // Every row of `sql` in one batch.
  Batch ReadAll(const std::string& sql) {
    auto source = Open();
    auto reader = source->Query(sql);
    Batch batch(reader->schema());
    BatchLimits unlimited{1u << 30, size_t{1} << 40};
    while (reader->Next(batch, unlimited)) {
    }
    return batch;
  }

  // The one value of a one-column table `t` holding `literal` in a column of
  // `declared` type.
  Batch ReadValue(const std::string& declared, const std::string& literal) {
    Exec("DROP TABLE IF EXISTS t; CREATE TABLE t (v " + declared + "); INSERT INTO t VALUES (" +
         literal + ");");
    return ReadAll("SELECT v FROM t");
  }

  // The message of the SourceError that reading `literal` as `declared` throws.
  std::string ReadError(const std::string& declared, const std::string& literal) {
    try {
      ReadValue(declared, literal);
    } catch (const std::exception& e) {
      return e.what();
    }
    return "<no error>";
  }

  TempDir dir_;
  Project project_;
  ServerConfig server_;
};

// A project in `dir` whose server `src` (sqlite) reads the databases in
// `dir` itself and whose DuckDB sink is `dir`/lake.duckdb: the set-up of the
// runner and strategy tests over SQLite.
inline Project SqliteProject(const std::filesystem::path& dir, const std::string& name) {
  Project project;
  project.name = name;
  project.dir = dir;
  project.sink.path = "lake.duckdb";
  project.servers = {{"src", "sqlite", {{"directory", "."}}, {}}};
  return project;
}

// A daily task of `strategy` reading `table` of src.db on SqliteProject's
// server, landing as `src__<table>`.
inline Task SqliteTask(const std::string& table, const std::string& strategy = "full") {
  Task task;
  task.strategy = strategy;
  task.server = "src";
  task.database = "src.db";
  task.source_table = table;
  task.frequency = "daily";
  task.sink_table = "src__" + table;
  return task;
}

inline int32_t Days(int y, unsigned m, unsigned d) {
  using namespace std::chrono;
  return static_cast<int32_t>(
      sys_days(year_month_day{year(y), month(m), day(d)}).time_since_epoch().count());
}

// µs since the epoch of a UTC wall time.
inline int64_t Micros(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0,
                      int64_t us = 0) {
  return ((int64_t{Days(y, m, d)} * 24 + hh) * 60 + mm) * 60'000'000 + ss * int64_t{1'000'000} + us;
}

}  // namespace tributary::testing
