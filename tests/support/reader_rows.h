// A Reader's rows in canonical value text (data/value_text.h), with the
// shape of the batches they came in: what reader tests compare.
#pragma once

#include <string>
#include <vector>

#include "data/batch.h"
#include "source/source.h"

namespace tributary::testing {

// Row `row` of `batch` as "v1|v2|NULL".
std::string Render(const Batch& batch, size_t row);

// What a reader gave: every row rendered, and each batch's rows and bytes.
struct Drained {
  std::vector<std::string> rows;
  std::vector<size_t> batch_rows;
  std::vector<size_t> batch_bytes;
};

// Reads `reader` to its end, a fresh batch each call. Throws what Next throws.
Drained Drain(Reader& reader, const BatchLimits& limits = {});

}  // namespace tributary::testing
