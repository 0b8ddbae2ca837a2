// Decodes single values in PostgreSQL's binary send/recv format — what binary
// COPY carries, and what logical replication (pgoutput with binary 'true')
// carries — straight into a Column. Independent of how values are framed.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "clients/postgres/pg_types.h"
#include "data/batch.h"

namespace tributary {

class PgArrayJson;

// Decodes the values of one column. Not thread-safe; one per column and
// thread. Holds reusable buffers so decoding allocates nothing per value
// (beyond the column's own amortised growth).
class PgValueDecoder {
 public:
  // REQUIRES: type->wire != PgWire::kUnsupported.
  explicit PgValueDecoder(std::shared_ptr<const PgValueType> type);
  ~PgValueDecoder();
  PgValueDecoder(PgValueDecoder&&) noexcept;
  PgValueDecoder& operator=(PgValueDecoder&&) noexcept;

  const PgValueType& type() const { return *type_; }

  // Appends the non-null value `bytes` to `out`, whose type is type().type.
  // Throws PgValueError (without location: the caller adds it) when the
  // bytes are malformed or the value cannot be represented exactly.
  void Append(std::string_view bytes, Column& out);

 private:
  void AppendTimestamp(std::string_view bytes, Column& out) const;
  void AppendDate(std::string_view bytes, Column& out) const;
  void AppendInterval(std::string_view bytes, Column& out) const;
  void AppendNumeric(std::string_view bytes, Column& out);
  void AppendArray(std::string_view bytes, Column& out);

  std::shared_ptr<const PgValueType> type_;
  std::string text_;                    // numeric text and array JSON, reused
  std::unique_ptr<PgArrayJson> array_;  // kArray only
};

}  // namespace tributary
