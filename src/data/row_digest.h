// A digest of a set of rows: order-independent, so two reads of the same rows
// agree whatever order the source returned them in. Used to tell that a
// re-read window holds exactly the rows already landed. Not cryptographic:
// it guards against accidental differences, not against an adversary.
#pragma once

#include <cstddef>
#include <cstdint>

#include "data/batch.h"

namespace tributary {

// A 64-bit hash of every value of row `row` (NULLs and lengths included), or
// of its first `columns` values.
uint64_t RowHash(const Batch& batch, size_t row, size_t columns = SIZE_MAX);

// A multiset of rows: the number of rows and the sum of their hashes.
struct RowDigest {
  int64_t rows = 0;
  uint64_t sum = 0;

  void Add(uint64_t row_hash) {
    ++rows;
    sum += row_hash;
  }
  void Add(const RowDigest& other) {
    rows += other.rows;
    sum += other.sum;
  }
  bool operator==(const RowDigest&) const = default;
};

}  // namespace tributary
