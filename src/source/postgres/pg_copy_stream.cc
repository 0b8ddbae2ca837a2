#include "source/postgres/pg_copy_stream.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "clients/postgres/pg_wire.h"
#include "common/error.h"

namespace tributary {
namespace {

constexpr char kSignature[] = "PGCOPY\n\377\r\n";  // + its terminating NUL: 11 bytes
constexpr size_t kSignatureSize = 11;
constexpr size_t kHeaderSize = kSignatureSize + 8;  // + int32 flags + int32 extension length
constexpr size_t kRowsPerSizeCheck = 16;

bool IsBlank(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

// Rows to decode before the batch's size is looked at again: as many as rows
// of the average size so far fit below `max_bytes`, 1 to kRowsPerSizeCheck.
size_t RowsBeforeSizeCheck(size_t bytes, size_t rows, size_t max_bytes) {
  if (rows == 0) return 1;
  size_t per_row = bytes / rows + 1;
  return std::clamp<size_t>((max_bytes - bytes) / per_row, 1, kRowsPerSizeCheck);
}

}  // namespace

std::string CopyStatement(std::string_view query) {
  std::string_view comment;
  size_t start = 0;
  while (start < query.size() && IsBlank(query[start])) ++start;
  if (query.substr(start, 2) == "/*") {
    if (size_t close = query.find("*/", start + 2); close != std::string_view::npos) {
      comment = query.substr(start, close + 2 - start);
      query.remove_prefix(close + 2);
    }
  }
  while (!query.empty() && (IsBlank(query.back()) || query.back() == ';')) query.remove_suffix(1);
  // The newline ends a trailing "-- comment" in the query before our ")".
  std::string sql = comment.empty() ? "" : std::string(comment) + " ";
  return sql + "COPY (" + std::string(query) + "\n) TO STDOUT (FORMAT binary)";
}

PgCopyStream::PgCopyStream(PgConnection& conn, std::shared_ptr<const Schema> schema,
                           const std::vector<std::shared_ptr<const PgValueType>>& types,
                           std::string what)
    : conn_(conn), schema_(std::move(schema)), what_(std::move(what)) {
  decoders_.reserve(types.size());
  for (const auto& t : types) decoders_.emplace_back(t);
}

PgCopyStream::~PgCopyStream() {
  if (running_) conn_.AbandonCopy();
}

void PgCopyStream::Start(const std::string& copy_sql) {
  conn_.StartCopy(copy_sql);
  running_ = true;
  header_seen_ = false;
  trailer_seen_ = false;
}

bool PgCopyStream::Fill(Batch& batch, const BatchLimits& limits) {
  std::string_view message;
  // A batch's size in bytes sums every column: look at it only as often as
  // rows of the average size so far could fill it.
  size_t check_at = 0;
  for (size_t row = 0; running_ && batch.num_rows() < limits.max_rows; ++row) {
    if (row == check_at) {
      size_t bytes = batch.ByteSize();
      if (bytes >= limits.max_bytes) break;
      check_at = row + RowsBeforeSizeCheck(bytes, batch.num_rows(), limits.max_bytes);
    }
    switch (conn_.ReadCopyMessage(message)) {
      case PgConnection::CopyRead::kData:
        DecodeRow(message, batch);
        break;
      case PgConnection::CopyRead::kEnd:
        running_ = false;
        if (!trailer_seen_) Malformed("the COPY stream ended without its trailer");
        break;
      case PgConnection::CopyRead::kFailed:
        running_ = false;
        conn_.Fail(fmt::format("reading {} failed after {} rows", what_, rows_));
    }
  }
  return !running_;
}

const char* PgCopyStream::SkipHeader(const char* p, const char* end) {
  if (static_cast<size_t>(end - p) < kHeaderSize ||
      std::memcmp(p, kSignature, kSignatureSize) != 0) {
    Malformed("the COPY stream does not start with the binary COPY signature");
  }
  uint32_t extension = ReadBigEndian<uint32_t>(p + kSignatureSize + 4);
  p += kHeaderSize;
  if (extension > static_cast<size_t>(end - p)) Malformed("truncated COPY header");
  header_seen_ = true;
  return p + extension;
}

void PgCopyStream::DecodeRow(std::string_view message, Batch& batch) {
  const char* p = message.data();
  const char* end = p + message.size();
  if (!header_seen_) p = SkipHeader(p, end);
  if (p == end) return;
  if (trailer_seen_ || end - p < 2) Malformed("unexpected data in the COPY stream");
  auto fields = static_cast<int16_t>(ReadBigEndian<uint16_t>(p));
  p += 2;
  if (fields == -1) {
    trailer_seen_ = true;
    if (p != end) Malformed("data after the COPY trailer");
    return;
  }
  if (static_cast<size_t>(fields) != decoders_.size()) {
    Malformed(fmt::format("a row has {} fields, expected {}", fields, decoders_.size()));
  }
  for (size_t i = 0; i < decoders_.size(); ++i) {
    if (end - p < 4) Malformed("truncated row");
    auto size = static_cast<int32_t>(ReadBigEndian<uint32_t>(p));
    p += 4;
    if (size == -1) {
      batch.column(i).AppendNull();
      continue;
    }
    if (size < 0 || end - p < size) Malformed("truncated value");
    try {
      decoders_[i].Append(std::string_view(p, static_cast<size_t>(size)), batch.column(i));
    } catch (const PgValueError& e) {
      throw SourceError(fmt::format("{}: {} column '{}' row {}: {}", conn_.describe(), what_,
                                    schema_->fields[i].name, rows_ + 1, e.what()));
    }
    p += size;
  }
  if (p != end) Malformed("unexpected bytes after a row");
  ++rows_;
}

void PgCopyStream::Malformed(const std::string& why) const {
  throw SourceError(
      fmt::format("{}: reading {} after {} rows: {}; this is a bug in tributary or "
                  "a protocol it does not know, please report it",
                  conn_.describe(), what_, rows_, why));
}

}  // namespace tributary
