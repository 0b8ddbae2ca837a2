#include "data/row_digest.h"

#include <algorithm>
#include <functional>
#include <string_view>

namespace tributary {
namespace {

// splitmix64's finaliser: spreads every input bit over the output, so sums
// of row hashes do not cancel out for rows that differ in one value.
uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

uint64_t RowHash(const Batch& batch, size_t row, size_t columns) {
  uint64_t h = 0x9e3779b97f4a7c15ULL;
  for (size_t col = 0; col < std::min(columns, batch.num_columns()); ++col) {
    const Column& c = batch.column(col);
    uint64_t value = 0x51afd7ed558ccd01ULL;  // NULL
    if (!c.IsNull(row)) {
      TypeId id = c.type().id;
      std::string_view bytes =
          IsVarLen(id)
              ? c.GetBytes(row)
              : std::string_view(reinterpret_cast<const char*>(c.values()) + row * FixedWidth(id),
                                 FixedWidth(id));
      value = std::hash<std::string_view>{}(bytes) ^ bytes.size();
    }
    h = Mix(h ^ value) + col;
  }
  return Mix(h);
}

}  // namespace tributary
