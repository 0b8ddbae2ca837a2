// The framing of `COPY … TO STDOUT (FORMAT binary)`: an 11-byte signature,
// int32 flags and a header extension, then one tuple per CopyData message
// (int16 field count, then per field an int32 length, -1 for NULL, and the
// value's bytes), then an int16 -1 trailer. The values themselves are decoded
// by PgValueDecoder, straight into the batch's columns.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "clients/postgres/pg_binary.h"
#include "clients/postgres/pg_connection.h"
#include "data/batch.h"

namespace tributary {

// Reads one COPY at a time on a connection it does not own. Not thread-safe.
class PgCopyStream {
 public:
  // `types` holds one plan per column of `schema`, in order; `what` names
  // the table or query in errors ("table 'public.orders'").
  PgCopyStream(PgConnection& conn, std::shared_ptr<const Schema> schema,
               const std::vector<std::shared_ptr<const PgValueType>>& types, std::string what);
  ~PgCopyStream();  // abandons a COPY still running, so the connection stays usable

  // Sends `copy_sql` (a COPY … TO STDOUT (FORMAT binary)). REQUIRES: the
  // previous COPY, if any, has ended.
  void Start(const std::string& copy_sql);
  // Appends rows to `batch` until `limits` says it is full or the COPY ends;
  // returns true once it has ended. The batch's byte size is looked at as
  // often as rows of the average size so far could fill it (at most every 16
  // rows), so with rows of about even size it stops within a row of
  // max_bytes, as Reader::Next promises. Throws SourceError naming server,
  // database, `what`, column and row when a value cannot be read.
  bool Fill(Batch& batch, const BatchLimits& limits);
  bool running() const { return running_; }

 private:
  void DecodeRow(std::string_view message, Batch& batch);
  const char* SkipHeader(const char* p, const char* end);
  [[noreturn]] void Malformed(const std::string& why) const;

  PgConnection& conn_;
  std::shared_ptr<const Schema> schema_;
  std::vector<PgValueDecoder> decoders_;
  std::string what_;
  bool running_ = false;
  bool header_seen_ = false;
  bool trailer_seen_ = false;
  int64_t rows_ = 0;  // rows decoded so far, over every COPY of this stream
};

// `COPY (<query>) TO STDOUT (FORMAT binary)`, with a leading comment of
// `query` (the query tag) moved in front of COPY so it leads the statement as
// the server shows it, and trailing semicolons dropped.
std::string CopyStatement(std::string_view query);

}  // namespace tributary
