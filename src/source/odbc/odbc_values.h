// Decoding of fetched ODBC values into columns (see odbc_types.h for which
// C type each column is fetched as).
#pragma once

#include <string>

#include "data/batch.h"
#include "source/odbc/odbc_types.h"

namespace tributary {

// Appends the value held in `data` (`length` bytes, as the driver's length
// indicator reported, terminator excluded) to `column`, decoded as `plan`
// says. Returns false, appending nothing, when the driver's value cannot be
// converted exactly (malformed text, out-of-range date, bad UTF-16).
// `scratch` is reused between calls to avoid allocations.
bool AppendOdbcValue(const OdbcColumnPlan& plan, const char* data, size_t length, Column& column,
                     std::string& scratch);

// The value as shown in an error: text as text (shortened), else hex.
std::string ShowOdbcValue(const OdbcColumnPlan& plan, const char* data, size_t length);

}  // namespace tributary
