// Our logical types as DuckDB spells and stores them.
//
// type          DuckDB column            in-memory (chunk vectors)
// boolean       BOOLEAN                  bool (1 byte)
// smallint      SMALLINT                 int16
// integer       INTEGER                  int32
// bigint        BIGINT                   int64
// real          FLOAT                    float
// double        DOUBLE                   double
// decimal(p,s)  DECIMAL(p,s)             int16/int32/int64/hugeint for p <= 4/9/18/38
// text          VARCHAR                  string (valid UTF-8 required)
// bytes         BLOB                     string
// json          JSON                     VARCHAR, cast (and validated) by DuckDB on append
// date          DATE                     int32 days since 1970-01-01
// time          TIME                     int64 µs since midnight
// timestamp     TIMESTAMP                int64 µs since 1970-01-01
// timestamptz   TIMESTAMP WITH TIME ZONE int64 µs since the epoch, UTC
// interval      INTERVAL                 {int32 months, int32 days, int64 micros}
// uuid          UUID                     hugeint: big-endian bytes with the top bit flipped
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "clients/duckdb/duckdb_handles.h"
#include "data/types.h"

namespace tributary {

// The column type in DDL: "BIGINT", "DECIMAL(12,2)", "JSON", ...
std::string DuckTypeSql(const DataType& type);
// The reverse, from duckdb_columns().data_type; nullopt for types tributary
// never creates (e.g. HUGEINT, LIST).
std::optional<DataType> FromDuckTypeSql(std::string_view sql);
// The vector type used in data chunks for `type`.
DuckLogicalType DuckChunkType(const DataType& type);

}  // namespace tributary
