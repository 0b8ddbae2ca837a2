// Big-endian integers and the epoch, as PostgreSQL's wire formats carry them.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace tributary {

// PostgreSQL counts dates and times from 2000-01-01; tributary from 1970-01-01.
inline constexpr int32_t kPgEpochDays = 10957;
inline constexpr int64_t kPgEpochMicros = int64_t{kPgEpochDays} * 86'400'000'000;

// The unsigned integer T stored big-endian at `p` (any alignment).
template <class T>
inline T ReadBigEndian(const char* p) {
  static_assert(std::is_unsigned_v<T>);
  T v;
  std::memcpy(&v, p, sizeof(T));
  if constexpr (std::endian::native == std::endian::big) return v;
  if constexpr (sizeof(T) == 2) return static_cast<T>(__builtin_bswap16(v));
  if constexpr (sizeof(T) == 4) return __builtin_bswap32(v);
  if constexpr (sizeof(T) == 8) return __builtin_bswap64(v);
}

}  // namespace tributary
