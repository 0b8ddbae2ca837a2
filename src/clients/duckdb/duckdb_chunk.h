// The fast path into DuckDB: whole columns of a Batch are copied into data
// chunk vectors (memcpy for fixed-width types that share DuckDB's layout)
// and handed to an appender chunk by chunk, every chunk full whatever the
// batch sizes: DuckDB keeps the version of rows appended in a partial vector
// row by row (8 bytes a row, held until COMMIT), of a full one in a few bytes.
#pragma once

#include <string>
#include <vector>

#include "clients/duckdb/duckdb_handles.h"
#include "data/batch.h"

namespace tributary {

// Copies rows [offset, offset + count) of `batch` into rows [at, at + count)
// of `chunk`, whose vectors have DuckChunkType of the batch's column types.
// Throws SinkError for text that is not UTF-8 (or JSON that is not JSON),
// naming `table`, the column and the row (`rows_before` + its row in chunk).
void FillDuckChunk(const Batch& batch, size_t offset, size_t count, duckdb_data_chunk chunk,
                   size_t at, const std::string& table, size_t rows_before);

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

  Schema schema_;
  std::string table_;
  DuckDataChunk chunk_;
  size_t filled_ = 0;         // rows waiting in chunk_
  size_t rows_appended_ = 0;  // for error messages
};

}  // namespace tributary
