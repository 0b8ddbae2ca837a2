// tributary's logical types as a Delta table stores them.
//
// logical       Delta (schemaString)   Parquet written by DuckDB
// boolean       boolean                BOOLEAN
// smallint      short                  INT32 (INT 16)
// integer       integer                INT32
// bigint        long                   INT64
// real          float                  FLOAT
// double        double                 DOUBLE
// decimal(p,s)  decimal(p,s)           INT32/INT64/FIXED_LEN_BYTE_ARRAY (DECIMAL)
// text          string                 BYTE_ARRAY (STRING)
// json          string                 the JSON text
// uuid          string                 8-4-4-4-12 lower-case hex
// time          string                 HH:MM:SS.ffffff
// interval      string                 ISO 8601 duration, e.g. P14M3DT4.5S
// bytes         binary                 BYTE_ARRAY
// date          date                   INT32 (DATE)
// timestamp     timestamp              INT64 TIMESTAMP(isAdjustedToUTC=true, MICROS): the
//                                      value read as UTC (timestamp_ntz when asked)
// timestamptz   timestamp              INT64 TIMESTAMP(isAdjustedToUTC=true, MICROS)
//
// Protocol (reader 1, writer 2) unless timestamp_ntz is used, which needs
// (3, 7) with the timestampNtz feature.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "data/batch.h"

namespace tributary {

struct DeltaTypeOptions {
  bool timestamp_ntz = false;  // store `timestamp` as timestamp_ntz instead of UTC
};

// The logical type a column of `type` has once stored (json → text,
// timestamp → timestamptz, …). A stored column reads back as this type.
DataType DeltaStoredType(const DataType& type, const DeltaTypeOptions& options);
Schema DeltaStoredSchema(const Schema& schema, const DeltaTypeOptions& options);

// The Delta primitive type name of a stored type: "long", "decimal(12,2)", …
std::string DeltaTypeName(const DataType& stored);
// The reverse; nullopt for types tributary does not load (struct, array, map,
// variant, …). "byte" reads as smallint.
std::optional<DataType> FromDeltaTypeName(std::string_view name);

// Spark's JSON schema of a stored schema (metaData.schemaString); every
// column nullable.
std::string DeltaSchemaString(const Schema& stored);
// Parses a schemaString back. Throws SinkError naming `table` and the column
// for nested or unknown types.
Schema ParseDeltaSchemaString(const std::string& table, const std::string& schema_string);

// Whether the stored schema needs the timestampNtz table feature.
bool NeedsTimestampNtz(const Schema& stored);

// `batch` with its time and interval columns turned into their text form and
// every other column copied, or nullopt when nothing needs converting (uuid,
// json and timestamp are converted by DuckDB on append).
std::optional<Batch> ToDeltaBatch(const Batch& batch);

// "P14M3DT4.5S": months, days, then seconds with up to 6 fraction digits;
// zero parts are left out and a zero interval is "PT0S".
std::string IsoInterval(const Interval& interval);

// Column names Spark rejects without column mapping: any of " ,;{}()\n\t=".
bool IsValidDeltaColumnName(std::string_view name);

}  // namespace tributary
