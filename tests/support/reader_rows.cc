#include "support/reader_rows.h"

#include "data/value_text.h"

namespace tributary::testing {

std::string Render(const Batch& batch, size_t row) {
  std::string out;
  for (size_t c = 0; c < batch.num_columns(); ++c) {
    if (c > 0) out += '|';
    const Column& column = batch.column(c);
    out += column.IsNull(row) ? "NULL" : ValueText(column, row);
  }
  return out;
}

Drained Drain(Reader& reader, const BatchLimits& limits) {
  Drained out;
  for (Batch batch(reader.schema()); reader.Next(batch, limits); batch = Batch(reader.schema())) {
    for (size_t r = 0; r < batch.num_rows(); ++r) out.rows.push_back(Render(batch, r));
    out.batch_rows.push_back(batch.num_rows());
    out.batch_bytes.push_back(batch.ByteSize());
  }
  return out;
}

}  // namespace tributary::testing
