// Strict parsers for values that databases without native types (SQLite,
// CSV) keep as text: numbers, decimals, ISO-8601 dates and times, UUIDs.
// Each returns nullopt for input it does not accept, so the caller can name
// the table, column and row in its error. No parser ever guesses.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "data/types.h"

namespace tributary {

// A whole-string decimal integer ("-42"); no spaces, no '+' sign.
std::optional<int64_t> ParseInt64Text(std::string_view text);
// A whole-string floating-point number ("1.5", "-2e10", "inf", "nan").
std::optional<double> ParseDoubleText(std::string_view text);
// "123.456", "-1e3", ".5": the value scaled by 10^scale, rounded half away
// from zero to `scale` digits; nullopt when malformed or when the result has
// more than `precision` digits.
std::optional<Int128> ParseDecimalText(std::string_view text, int precision, int scale);
// true/false/t/f/1/0, any case.
std::optional<bool> ParseBoolText(std::string_view text);

// "YYYY-MM-DD" → days since 1970-01-01.
std::optional<int32_t> ParseDateText(std::string_view text);
// "HH:MM[:SS[.ffffff]]" → microseconds since midnight (digits beyond the
// sixth fractional one are truncated).
std::optional<int64_t> ParseTimeText(std::string_view text);
// "YYYY-MM-DD[( |T)HH:MM[:SS[.fff…]]][ ][Z|±HH[:MM]]" → microseconds since
// the epoch, with a given offset applied (so the result is UTC); without an
// offset the wall time is taken as is.
std::optional<int64_t> ParseTimestampText(std::string_view text);
// 32 hex digits, optionally with dashes at the usual 8-4-4-4-12 places.
std::optional<Uuid> ParseUuidText(std::string_view text);

// The shortest text that reads back as exactly `value` ("0.1", "1e+20").
std::string FormatDouble(double value);

}  // namespace tributary
