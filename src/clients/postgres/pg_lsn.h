// PostgreSQL WAL positions (LSNs): a 64-bit byte offset, written "16/B374D848".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tributary {

using PgLsn = uint64_t;

// "16/B374D848", as PostgreSQL prints an LSN (pg_lsn).
std::string FormatLsn(PgLsn lsn);
// "00000016/B374D848": fixed width, so positions compare as text in WAL
// order. pg_lsn reads it back ('00000016/B374D848'::pg_lsn).
std::string LsnPosition(PgLsn lsn);
// Either form; nullopt when `text` is not an LSN.
std::optional<PgLsn> ParseLsn(std::string_view text);

}  // namespace tributary
