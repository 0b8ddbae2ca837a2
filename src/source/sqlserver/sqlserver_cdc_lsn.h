// A SQL Server log sequence number as change data capture exposes it:
// binary(10) — virtual log file sequence (4 bytes), log block offset (4),
// slot (2), big-endian. T-SQL compares binary values bytewise, and so does
// this type, so ordering here is ordering at the server.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tributary {

class SqlServerLsn {
 public:
  // 0x00000000000000000000: what sys.fn_cdc_get_min_lsn returns for a
  // capture instance that does not exist or that the user may not read.
  SqlServerLsn() = default;

  // From the 10 bytes of a binary(10) value. Throws Error for another size.
  static SqlServerLsn FromBytes(std::string_view bytes);
  // "0x0000002A000001F00003" (as SSMS shows binary(10); case-insensitive,
  // the 0x optional) or "0000002a:000001f0:0003" (fn_dblog's form).
  static std::optional<SqlServerLsn> Parse(std::string_view text);

  // "0x0000002A000001F00003": the form stored in state and used in T-SQL.
  std::string ToString() const;
  std::string Bytes() const;
  bool IsZero() const;
  // The next LSN: the 80-bit value plus one. sys.fn_cdc_increment_lsn is
  // the server's authority for the same step; planning prefers its answer.
  // Throws Error on overflow.
  SqlServerLsn Next() const;

  auto operator<=>(const SqlServerLsn&) const = default;

 private:
  std::array<uint8_t, 10> bytes_{};
};

}  // namespace tributary
