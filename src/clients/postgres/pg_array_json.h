// PostgreSQL arrays (binary format: int32 ndim, int32 has-nulls flag, element
// OID, (int32 length, int32 lower bound) per dimension, then each element as
// int32 length (-1 for NULL) and its bytes) become JSON text:
//   - a one-dimensional array is a list; an n-dimensional one nested lists
//     in row-major order ('{{1,2},{3,4}}' → [[1,2],[3,4]]); empty: [];
//   - NULL elements are null; booleans true/false;
//   - integers, decimals and finite floats are JSON numbers, exact
//     (numeric without a typmod keeps every digit);
//   - NaN and ±Infinity (float or numeric) are the strings "NaN",
//     "Infinity", "-Infinity"; infinite dates/timestamps "infinity"/"-infinity";
//   - json and jsonb elements are embedded as JSON;
//   - every other element is a JSON string of its canonical text
//     (source/value_text.h: "2024-05-01", "2024-05-01 12:00:00.000000",
//     "\\x00ff" for bytes, …).
// A lower bound other than 1 ('[0:2]={…}') cannot be carried by a JSON list
// and is an error, never silently dropped.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "clients/postgres/pg_types.h"
#include "data/batch.h"

namespace tributary {

class PgValueDecoder;

// Not thread-safe: one per decoder.
class PgArrayJson {
 public:
  explicit PgArrayJson(std::shared_ptr<const PgValueType> element);
  ~PgArrayJson();

  // Appends the JSON form of the array `bytes` to `json`. Throws PgValueError.
  void Append(std::string_view bytes, std::string& json);

 private:
  struct Cursor;
  void AppendLevel(Cursor& cursor, int level, std::string& json);
  void AppendElement(Cursor& cursor, std::string& json);
  void AppendScratch(std::string& json);

  std::shared_ptr<const PgValueType> element_;
  std::unique_ptr<PgValueDecoder> decoder_;  // decodes one element into scratch_
  Column scratch_;
};

// Appends `text` as a JSON string literal (quoted, escaped) to `json`.
void AppendJsonString(std::string_view text, std::string& json);

}  // namespace tributary
