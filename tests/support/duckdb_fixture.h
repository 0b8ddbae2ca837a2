// A DuckDB sink in a temp dir, plus helpers to build batches and read the
// database back with SQL.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "clients/duckdb/duckdb_sql.h"
#include "sink/duckdb/duckdb_sink.h"
#include "support/temp_dir.h"

namespace tributary::testing {

class DuckDbFixture : public ::testing::Test {
 protected:
  DuckDbFixture() : sink_(std::make_unique<DuckDbSink>(dir_ / "lake.duckdb", "bronze")) {}

  // Every value of the query's first column as text ("NULL" for null), read
  // through a fresh connection in UTC.
  std::vector<std::string> Values(const std::string& sql) {
    DuckConnection conn = sink_->Connect();
    DuckExec(conn.get(), "SET TimeZone = 'UTC'", "set time zone");
    DuckResult result = DuckExec(conn.get(), sql, "test query");
    std::vector<std::string> values;
    for (uint64_t row = 0; row < ResultRows(result); ++row) {
      values.push_back(ResultText(result, 0, row).value_or("NULL"));
    }
    return values;
  }
  std::string Scalar(const std::string& sql) {
    auto values = Values(sql);
    return values.empty() ? "<no rows>" : values[0];
  }

  // Loads `batch` into `table` and commits with `state`.
  void Load(const std::string& table, const Batch& batch, WriteMode mode,
            std::optional<std::string> state = std::nullopt) {
    auto txn = sink_->Begin(table);
    auto& writer = txn->Open(LoadSpec{table, batch.schema(), mode});
    writer.Write(batch);
    txn->Commit(state);
  }

  TempDir dir_;
  std::unique_ptr<DuckDbSink> sink_;
};

inline std::shared_ptr<const Schema> MakeSchema(std::vector<Field> fields) {
  return std::make_shared<const Schema>(Schema{std::move(fields)});
}

// A batch of (id bigint, name text) rows first..last, name "n<id>".
inline Batch IdNameBatch(int64_t first, int64_t last) {
  Batch batch(MakeSchema({{"id", {TypeId::kInt64}}, {"name", {TypeId::kText}}}));
  for (int64_t i = first; i <= last; ++i) {
    batch.column(0).Append<int64_t>(i);
    batch.column(1).AppendBytes("n" + std::to_string(i));
  }
  return batch;
}

}  // namespace tributary::testing
