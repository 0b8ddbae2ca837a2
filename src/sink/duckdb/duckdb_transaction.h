// A DuckDB load transaction: one connection, one BEGIN … COMMIT holding every
// table of the load, the task's state and the schema changes it made.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "clients/duckdb/duckdb_handles.h"
#include "sink/duckdb/duckdb_table_writer.h"
#include "sink/sink.h"

namespace tributary {

class DuckDbSink;

// Not thread-safe. REQUIRES: the sink outlives the transaction.
class DuckDbLoadTransaction final : public LoadTransaction {
 public:
  // Opens a connection of its own and begins. Throws SinkError.
  DuckDbLoadTransaction(const DuckDbSink& sink, std::string task_id);
  ~DuckDbLoadTransaction() override;  // rolls back unless committed

  TableWriter& Open(const LoadSpec& spec) override;
  void Commit(const std::optional<std::string>& state) override;

 private:
  void SaveState(const std::string& state);
  void RecordSchemaChanges();

  const DuckDbSink& sink_;
  std::string task_id_;
  std::string run_id_;  // CurrentRunId() at Begin
  DuckConnection conn_;
  std::vector<std::unique_ptr<DuckDbTableWriter>> writers_;
  bool committed_ = false;
};

}  // namespace tributary
