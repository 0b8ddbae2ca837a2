// Big-endian integers as PostgreSQL's wire formats carry them.
#pragma once

#include <bit>
#include <cstring>
#include <type_traits>

namespace tributary {

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
