// tributary's logical types as the PostgreSQL sink stores them.
//
// logical       PostgreSQL column        binary COPY encoding
// boolean       boolean                  1 byte
// smallint      smallint                 int16 big-endian
// integer       integer                  int32 big-endian
// bigint        bigint                   int64 big-endian
// real          real                     IEEE float big-endian
// double        double precision         IEEE double big-endian
// decimal(p,s)  numeric(p,s)             ndigits, weight, sign, dscale + base-10000 digits
// text          text                     UTF-8 bytes
// bytes         bytea                    raw bytes
// json          jsonb                    version byte 1 + JSON text
// date          date                     int32 days since 2000-01-01
// time          time                     int64 µs since midnight
// timestamp     timestamp                int64 µs since 2000-01-01
// timestamptz   timestamptz              int64 µs since 2000-01-01 UTC
// interval      interval                 int64 µs, int32 days, int32 months
// uuid          uuid                     16 bytes
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "data/types.h"

namespace tributary {

// The column type in DDL: "bigint", "numeric(12,2)", "jsonb", …
std::string PgTypeSql(const DataType& type);
// The reverse, from format_type(); nullopt for types tributary does not load
// (numeric without precision, arrays, …).
std::optional<DataType> FromPgTypeSql(std::string_view sql);

}  // namespace tributary
