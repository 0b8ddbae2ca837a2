// Rows handed to a running DuckDB statement while they arrive. The statement
// reads `FROM tributary_rows(<id>)`, a table function that pulls the batches
// another thread pushes, so a `COPY … TO … (FORMAT parquet)` writes rows as
// they come instead of after they were all staged in a table.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "clients/duckdb/duckdb_handles.h"
#include "common/bounded_queue.h"
#include "data/batch.h"

namespace tributary {

// Thread-safe between one producer (Push, End, Abort) and the statement
// reading it. REQUIRES: no statement reads the stream when it is destroyed
// (End() or Abort() it, then wait for the statement to finish).
class DuckRowStream {
 public:
  // `schema` is the shape of the pushed batches (each column read as
  // DuckChunkType of its type); `table` names the rows in errors, which count
  // rows from `first_row` + 1. At most `depth` batches wait between the sides.
  DuckRowStream(Schema schema, std::string table, size_t depth = 2, size_t first_row = 0);
  ~DuckRowStream();
  DuckRowStream(const DuckRowStream&) = delete;
  DuckRowStream& operator=(const DuckRowStream&) = delete;

  // What a statement selects from, e.g. `tributary_rows(7)`.
  std::string FromSql() const;

  // Blocks while `depth` batches wait. False once the stream was aborted
  // (the reading statement failed or the producer gave up).
  bool Push(Batch batch);
  // No more rows: the statement reads what is left, then sees the end.
  void End();
  // Stops both sides: Push returns false, the statement fails.
  void Abort();

  // The reading side (the table function): copies up to one vector of rows
  // into `out`; 0 at the end. Throws SinkError when aborted or a value cannot
  // be handed to DuckDB (text that is not UTF-8, ...).
  size_t Fill(duckdb_data_chunk out);
  const Schema& schema() const { return schema_; }

 private:
  const int64_t id_;
  const Schema schema_;
  const std::string table_;
  BoundedQueue<Batch> queue_;
  std::optional<Batch> current_;  // the batch being read, from offset_
  size_t offset_ = 0;
  size_t rows_;  // handed over so far, from first_row, for error messages
  std::atomic<bool> aborted_{false};
};

// Creates the table function `tributary_rows(BIGINT)` in the database of
// `conn`. Once per database, before a statement reads a stream.
void RegisterDuckRowStreams(duckdb_connection conn);

}  // namespace tributary
