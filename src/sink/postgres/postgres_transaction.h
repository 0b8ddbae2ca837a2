// A PostgreSQL load transaction: one connection, BEGIN … COMMIT around every
// table of the load, the task's state and the schema changes it made, and one
// table writer per table.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "clients/postgres/pg_connection.h"
#include "sink/postgres/postgres_copy.h"
#include "sink/sink.h"

namespace tributary {

class PostgresSink;

// Prepares one table inside the open transaction: kReplace copies into a new
// table that replaces the old one at Finish() (DROP + RENAME in the same
// transaction: readers see the old table until COMMIT, then the new one);
// kAppend creates or evolves the table, applies the delete window and copies
// into it; kMerge copies into a temporary staging table and at Finish()
// deletes every staged key, then inserts the last staged row of each key
// unless it deletes. Each Write is one binary COPY. Not thread-safe.
class PostgresTableWriter final : public TableWriter {
 public:
  PostgresTableWriter(PostgresSink& sink, PgConnection& conn, const LoadSpec& spec);

  void Write(const Batch& batch) override;
  void Finish();
  const std::string& table() const { return spec_.table; }
  // The schema changes this writer made to its table (schema_evolution.h).
  const std::vector<SchemaChangeRecord>& schema_changes() const { return schema_changes_; }

 private:
  void CheckSpec() const;
  Schema StoredSchema() const;
  void Prepare();
  void Evolve(const Schema& existing);
  void DeleteWindow(const Schema& existing);
  void Merge();
  std::string Columns(const Schema& schema, const std::string& prefix = "") const;
  std::string What(std::string_view action) const;

  PostgresSink& sink_;
  PgConnection& conn_;
  LoadSpec spec_;
  std::string target_;     // "schema"."table"
  std::string copy_into_;  // the relation Write copies into
  std::string staging_;    // kReplace: the new table's name; kMerge: the temp table
  Schema table_schema_;    // the table's columns after evolution (types COPY must match)
  std::unique_ptr<PgCopyEncoder> encoder_;
  std::vector<SchemaChangeRecord> schema_changes_;
};

class PostgresLoadTransaction final : public LoadTransaction {
 public:
  // Connects and begins; takes a transaction-scoped advisory lock on the
  // task so that two loads of it never overlap. Throws SinkError.
  PostgresLoadTransaction(PostgresSink& sink, std::string task_id);
  ~PostgresLoadTransaction() override;  // rolls back unless committed

  TableWriter& Open(const LoadSpec& spec) override;
  void Commit(const std::optional<std::string>& state) override;

 private:
  void RecordSchemaChanges();

  PostgresSink& sink_;
  std::string task_id_;
  std::string run_id_;  // CurrentRunId() at Begin
  PgConnection conn_;
  std::vector<std::unique_ptr<PostgresTableWriter>> writers_;
  bool committed_ = false;
};

}  // namespace tributary
