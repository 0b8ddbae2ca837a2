// Writes one sink table inside a DuckDB load transaction (duckdb_transaction.h).
#pragma once

#include <memory>
#include <string>

#include "clients/duckdb/duckdb_chunk.h"
#include "clients/duckdb/duckdb_handles.h"
#include "sink/schema_evolution.h"
#include "sink/sink.h"

namespace tributary {

class DuckDbSink;

// The constructor prepares the table in the open transaction of `conn`:
// kReplace runs CREATE OR REPLACE TABLE (other connections keep seeing the old
// table until COMMIT); kAppend/kMerge create a missing table or evolve an
// existing one (schema_evolution.h) and apply the delete window. kReplace and
// kAppend stream rows straight into the table with an appender; kMerge stages
// them in a table of its own (under _tributary, dropped in the same
// transaction) and applies them in Finish(). Not thread-safe.
class DuckDbTableWriter final : public TableWriter {
 public:
  // REQUIRES: `sink` and `conn` outlive the writer; `conn` is inside BEGIN.
  // Throws SinkError.
  DuckDbTableWriter(const DuckDbSink& sink, duckdb_connection conn, const LoadSpec& spec);

  void Write(const Batch& batch) override;
  // Flushes the rows into the table (for kMerge: applies the staged rows).
  // Called once, by the transaction's Commit.
  void Finish();
  const std::string& table() const { return spec_.table; }
  // The schema changes this writer made to its table (schema_evolution.h).
  const std::vector<SchemaChangeRecord>& schema_changes() const { return schema_changes_; }

 private:
  void CheckSpec() const;
  Schema StoredSchema() const;  // the spec's schema without the delete marker
  void PrepareTable();
  void EvolveTable(const SchemaChange& change);
  void DeleteWindow(const Schema& existing);
  void CreateStage();
  void OpenAppender(const std::string& catalog, const std::string& schema, const std::string& table,
                    bool select_columns);
  void Merge();
  void CloseAppender();

  const DuckDbSink& sink_;
  duckdb_connection conn_;
  LoadSpec spec_;
  std::string qualified_;  // "catalog"."schema"."table"
  std::string stage_;      // kMerge: the staging table's name, in schema _tributary
  bool created_ = false;   // kAppend/kMerge: the table did not exist before this load
  DuckAppender appender_;
  std::unique_ptr<ChunkAppender> chunks_;
  std::vector<SchemaChangeRecord> schema_changes_;
};

}  // namespace tributary
