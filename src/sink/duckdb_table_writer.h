// Loads one sink table inside one DuckDB transaction.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "sink/duckdb_chunk.h"
#include "sink/duckdb_handles.h"
#include "sink/sink.h"

namespace tributary {

class DuckDbSink;

// Opens its own connection and transaction: kReplace runs CREATE OR REPLACE
// TABLE inside it (other connections keep seeing the old table until
// Commit); kAppend creates the table if missing and adds columns the table
// lacks (a column whose type changed incompatibly is a SinkError). Rows,
// and the state given to Commit, become visible together or not at all;
// destroying the writer uncommitted rolls back. Not thread-safe.
class DuckDbTableWriter final : public TableWriter {
 public:
  // REQUIRES: `sink` outlives the writer. Throws SinkError.
  DuckDbTableWriter(const DuckDbSink& sink, const LoadSpec& spec);
  ~DuckDbTableWriter() override;

  void Write(const Batch& batch) override;
  void Commit(const std::optional<std::string>& state) override;

 private:
  void PrepareTable();
  void EvolveTable(const std::vector<std::pair<std::string, std::string>>& existing);
  void OpenAppender(bool select_columns);
  void SaveState(const std::string& state);

  const DuckDbSink& sink_;
  LoadSpec spec_;
  std::string qualified_;  // "schema"."table"
  DuckConnection conn_;
  DuckAppender appender_;
  std::unique_ptr<ChunkAppender> chunks_;
  bool committed_ = false;
};

}  // namespace tributary
