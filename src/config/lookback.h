// The `lookback` of an incremental table: how far before the stored
// watermark each run re-reads, for rows that arrive late.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace tributary {

struct Lookback {
  bool is_duration = false;  // true: `micros` applies to time columns
  int64_t micros = 0;        // a duration, in microseconds
  std::string_view number;   // otherwise: a non-negative decimal number, as written
};

// "30s", "15m", "2h", "1d" (and combinations such as "1h30m") → a duration;
// "100" or "0.5" → a number. nullopt for anything else (negative, empty,
// unknown unit). The returned view points into `text`.
std::optional<Lookback> ParseLookback(std::string_view text);

}  // namespace tributary
