// File skipping for rewrites: which live data files of a Delta table may hold
// the rows a delete window or a merge touches, judged from each file's
// statistics (minValues/maxValues/nullCount) or partition values. Answers
// "may" whenever the log does not prove otherwise, so a file is only ever
// skipped when it certainly holds none of the rows.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "data/types.h"

namespace tributary {

// The bounds of one column in one file, as the log states them.
struct FileBounds {
  std::optional<std::string> min, max;  // text (timestamps ISO, numbers as written)
  std::optional<int64_t> null_count;
  std::optional<int64_t> num_records;
};

// `column`'s bounds in the file of `add` (its partition value when it is a
// partition column).
FileBounds BoundsOf(const nlohmann::json& add, const std::string& column, bool partition_column);

// Whether a non-null value >= `from` may be in the file. `from` and `lo`/`hi`
// are value texts (canonical value text, or DuckDB's rendering).
bool MayHoldAtLeast(const FileBounds& bounds, const DataType& type, const std::string& from);
// Whether a value in [lo, hi] may be in the file.
bool MayHoldBetween(const FileBounds& bounds, const DataType& type, const std::string& lo,
                    const std::string& hi);
// Whether every row of the file certainly has a non-null value >= `from`.
bool AllAtLeast(const FileBounds& bounds, const DataType& type, const std::string& from);

// Microseconds since the epoch of a timestamp text in any of the forms the
// log, DuckDB and tributary write ("2024-01-01T10:00:00.123Z",
// "2024-01-01 10:00:00.5+00", "… +00:00"); nullopt when it does not parse.
std::optional<int64_t> ParseTimestampMicros(const std::string& text);

}  // namespace tributary
