// Values of every logical type (data/types.h) in canonical text
// (data/value_text.h): ordinary ones and the edges of each type's range, for
// suites that check a connector keeps every value exactly.
#pragma once

#include <string>
#include <vector>

#include "data/types.h"

namespace tributary::testing {

// A logical type and values of it: ordinary ones and the edges of its range
// (min/max integers, long and non-ASCII text, decimals at their precision,
// dates and timestamps at their ends and ±infinity, NaN and infinities).
struct TypeSamples {
  DataType type;
  std::vector<std::string> values;
};

// One entry per logical type, decimals at several precisions and scales.
std::vector<TypeSamples> EveryType();

}  // namespace tributary::testing
