// The PostgreSQL binary COPY format (COPY … FROM STDIN (FORMAT binary), see
// the "Binary Format" section of the COPY docs): a header, then per row an
// int16 field count and per field an int32 length (-1 = NULL) and the value
// in its type's binary send format, big-endian; then an int16 -1 trailer.
#pragma once

#include <string>
#include <vector>

#include "data/batch.h"

namespace tributary {

// Encodes batches for one COPY into columns of `targets` (the table's types,
// which may be wider than the batch's: integer into bigint, decimal(10,2)
// into numeric(12,4), real into double, …). Not thread-safe.
class PgCopyEncoder {
 public:
  // REQUIRES: targets.size() equals the batch schemas' column count and each
  // target type holds its column's values (FitsInto). `table` names errors.
  PgCopyEncoder(std::vector<DataType> targets, std::string table);

  // The complete COPY payload (header, rows of `batch`, trailer). Throws
  // SinkError on a value PostgreSQL would refuse (text that is not UTF-8 or
  // contains NUL, invalid JSON).
  std::string Encode(const Batch& batch);

 private:
  void Field(const Column& column, size_t col, size_t row);

  std::vector<DataType> targets_;
  std::string table_;
  std::string out_;
  size_t rows_done_ = 0;  // rows encoded before this batch, for messages
};

// The binary numeric of `value` scaled by `scale`, written with `dscale`
// (>= scale) fraction digits.
std::string PgNumericBinary(Int128 value, int scale, int dscale);

}  // namespace tributary
