// The fast path into DuckDB: whole columns of a Batch are copied into data
// chunk vectors (memcpy for fixed-width types that share DuckDB's layout)
// and handed to an appender chunk by chunk, every chunk full whatever the
// batch sizes: DuckDB keeps the version of rows appended in a partial vector
// row by row (8 bytes a row, held until COMMIT), of a full one in a few bytes.
#pragma once

#include <string>
#include <vector>

#include "data/batch.h"
#include "sink/duckdb_handles.h"

namespace tributary {

// Not thread-safe; owned by one TableWriter.
class ChunkAppender {
 public:
  // `schema` is the shape of the batches; `table` names the table in errors.
  ChunkAppender(const Schema& schema, std::string table);

  // Appends the rows of `batch` through `appender` (which must accept the
  // schema's columns, in order) in full chunks; the rows that do not fill
  // one wait for the next batch or Flush(). Throws SinkError; after an error
  // the appender's pending rows are lost and the load must be abandoned.
  void Append(const Batch& batch, duckdb_appender appender);
  // Appends the rows still waiting. REQUIRES: called before `appender` is
  // closed, or they are lost.
  void Flush(duckdb_appender appender);

 private:
  void AppendChunk(duckdb_appender appender);
  void Fill(const Batch& batch, size_t offset, size_t count);
  void FillVarLen(const Column& column, size_t col, size_t offset, size_t count,
                  duckdb_vector vector) const;

  Schema schema_;
  std::string table_;
  DuckDataChunk chunk_;
  size_t filled_ = 0;         // rows waiting in chunk_
  size_t rows_appended_ = 0;  // for error messages
};

}  // namespace tributary
