// How SQLite values become tributary values.
//
// SQLite is dynamically typed: a column's declared type is only a hint (its
// "affinity") and any row may hold an INTEGER, REAL, TEXT, BLOB or NULL. We
// map the declared type to a logical type, then convert each value strictly:
// a value that cannot be converted exactly is an error naming table, column,
// row and value — never a silent NULL.
//
// Declared type (case-insensitive)             → type       accepted storage classes
// BOOLEAN, BOOL                                → boolean    INTEGER/REAL 0|1, TEXT
// true|false|t|f|1|0 SMALLINT, INT2, TINYINT                      → smallint   INTEGER, integral
// REAL, integer TEXT (range-checked) any other name containing INT (INTEGER,      → bigint INTEGER,
// integral REAL, integer TEXT
//   BIGINT, INT8, MEDIUMINT, …)
// REAL, DOUBLE [PRECISION], FLOAT[4|8]; any    → double     INTEGER, REAL, numeric TEXT ("inf",
// "nan" too)
//   name containing REAL, FLOA, DOUB
// DECIMAL(p,s), NUMERIC(p,s), p <= 38          → decimal    INTEGER exact; TEXT exact, rounded half
// away
//                                                           from zero to s; REAL via its shortest
//                                                           exact spelling, likewise rounded; > p
//                                                           digits: error
// DECIMAL, NUMERIC (no precision)              → double     as double
// DATE                                         → date       TEXT 'YYYY-MM-DD' (a midnight timestamp
// too);
//                                                           numbers as for timestamp, if at
//                                                           midnight
// DATETIME, TIMESTAMP [WITHOUT TIME ZONE]      → timestamp  TEXT ISO-8601 (see ParseTimestampText:
// ' ' or
//                                                           'T', fractions to µs, optional Z/±HH:MM
//                                                           offset which is applied, giving UTC);
//                                                           INTEGER = Unix seconds; REAL = Julian
//                                                           day (SQLite's own conventions,
//                                                           datatype3.html §2.2)
// TIMESTAMPTZ, TIMESTAMP WITH TIME ZONE,       → timestamptz as timestamp; no offset means UTC
//   DATETIMEOFFSET
// TIME [WITHOUT TIME ZONE]                     → time       TEXT 'HH:MM[:SS[.ffffff]]'
// JSON                                         → json       TEXT (valid UTF-8), numbers as their
// spelling UUID, UNIQUEIDENTIFIER                       → uuid       TEXT (32 hex digits, dashes
// optional),
//                                                           16-byte BLOB
// BLOB, or no declared type                    → bytes      BLOB; TEXT as its bytes; numbers as
// spelling names containing CHAR, CLOB, TEXT; anything  → text       TEXT (valid UTF-8); INTEGER,
// REAL as their
//   else                                                    shortest exact spelling; BLOB if valid
//   UTF-8
//
// Result columns without a declared type (expressions in a custom query)
// get their type from the values: see SqliteReader.
#pragma once

#include <sqlite3.h>

#include <string>
#include <string_view>

#include "data/batch.h"

namespace tributary {

// The logical type of a column declared as `declared` (the text after the
// column name in CREATE TABLE; empty when none).
DataType SqliteDeclaredType(std::string_view declared);

// Appends `value` to `column`, converted to column.type() as described above.
// Returns false, appending nothing, when the value cannot be converted.
bool AppendSqliteValue(sqlite3_value* value, Column& column);

// "INTEGER 42", "TEXT 'abc…'" (shortened): a value as shown in errors.
std::string DescribeSqliteValue(sqlite3_value* value);

}  // namespace tributary
