// The fast path into DuckDB: whole columns of a Batch are copied into data
// chunk vectors (memcpy for fixed-width types that share DuckDB's layout)
// and handed to an appender chunk by chunk.
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

  // Appends every row of `batch` through `appender` (which must accept the
  // schema's columns, in order). Throws SinkError; after an error the
  // appender's pending rows are lost and the load must be abandoned.
  void Append(const Batch& batch, duckdb_appender appender);

 private:
  void Fill(const Batch& batch, size_t offset, size_t count);
  void FillVarLen(const Column& column, size_t col, size_t offset, size_t count,
                  duckdb_vector vector) const;

  Schema schema_;
  std::string table_;
  DuckDataChunk chunk_;
  size_t rows_appended_ = 0;  // for error messages
};

}  // namespace tributary
