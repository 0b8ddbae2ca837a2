// The canonical text form of one value: how tributary writes a watermark in
// its state, in SQL literals and in messages. It reads back with the strict
// parsers of text_values.h, so a value survives text → value → text intact.
#pragma once

#include <string>
#include <string_view>

#include "data/batch.h"

namespace tributary {

// Text of the non-null value at `row`:
//   integers "-42"; decimal "123.40" (exactly `scale` fraction digits);
//   float/double shortest round-trip ("0.1"); bool "true"/"false";
//   date "2026-03-29"; time "13:05:00.250000";
//   timestamp "2026-03-29 13:05:00.250000"; timestamptz the same in UTC with
//   "+00:00"; infinite dates and timestamps "infinity" / "-infinity" (as
//   PostgreSQL and DuckDB write them); uuid "8-4-4-4-12" lower-case hex; text and json as they are;
//   bytes "\x0aff" (hex); interval "1 mons 2 days 3000000 us".
// REQUIRES: !column.IsNull(row).
std::string ValueText(const Column& column, size_t row);

// Appends the value `text` (ValueText's form) to `column`. Throws Error
// naming the type when `text` is not a valid value of it. Not for interval.
void AppendValueText(Column& column, std::string_view text);

// Whether the non-null value at `row` is a date or timestamp ±infinity
// (kDateInfinity, kTimestampInfinity and their negatives, data/types.h).
bool IsInfinite(const Column& column, size_t row);

// Orders two non-null values of columns of the same type: < 0, 0 or > 0.
// Text and bytes compare bytewise; uuid by its bytes. Not for interval/json.
int CompareValues(const Column& a, size_t row_a, const Column& b, size_t row_b);

// Whether values of `type` can order rows for an incremental watermark:
// integers, decimal, date, timestamp, timestamptz (text and uuid cannot: their
// order at the source depends on its collation or is meaningless).
bool IsWatermarkType(const DataType& type);

}  // namespace tributary
