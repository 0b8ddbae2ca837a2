#include "clients/duckdb/duckdb_chunk.h"

#include <fmt/format.h>

#include <cstddef>
#include <cstring>
#include <nlohmann/json.hpp>

#include "clients/duckdb/duckdb_sql.h"
#include "clients/duckdb/duckdb_types.h"
#include "common/error.h"
#include "data/utf8.h"

namespace tributary {
namespace {

static_assert(sizeof(Interval) == sizeof(duckdb_interval));
static_assert(offsetof(Interval, days) == offsetof(duckdb_interval, days));
static_assert(offsetof(Interval, micros) == offsetof(duckdb_interval, micros));

// Every helper writes rows [offset, offset + count) of `column` to rows
// [at, at + count) of the chunk vector.
template <class T>
void NarrowDecimals(const Column& column, size_t offset, size_t count, void* out, size_t at) {
  auto* dst = static_cast<T*>(out) + at;
  for (size_t i = 0; i < count; ++i) dst[i] = static_cast<T>(column.Get<Int128>(offset + i));
}

void HugeDecimals(const Column& column, size_t offset, size_t count, void* out, size_t at) {
  auto* dst = static_cast<duckdb_hugeint*>(out) + at;
  for (size_t i = 0; i < count; ++i) {
    Int128 v = column.Get<Int128>(offset + i);
    dst[i].lower = static_cast<uint64_t>(v);
    dst[i].upper = static_cast<int64_t>(v >> 64);
  }
}

void Decimals(const Column& column, size_t offset, size_t count, void* out, size_t at) {
  int precision = column.type().precision;
  if (precision <= 4) return NarrowDecimals<int16_t>(column, offset, count, out, at);
  if (precision <= 9) return NarrowDecimals<int32_t>(column, offset, count, out, at);
  if (precision <= 18) return NarrowDecimals<int64_t>(column, offset, count, out, at);
  HugeDecimals(column, offset, count, out, at);
}

uint64_t BigEndian64(const uint8_t* bytes) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | bytes[i];
  return v;
}

// DuckDB keeps a UUID as a hugeint whose top bit is flipped, so that signed
// comparison orders UUIDs like their text (see duckdb-postgres ReadUUID).
void Uuids(const Column& column, size_t offset, size_t count, void* out, size_t at) {
  auto* dst = static_cast<duckdb_hugeint*>(out) + at;
  for (size_t i = 0; i < count; ++i) {
    Uuid u = column.Get<Uuid>(offset + i);
    dst[i].upper = static_cast<int64_t>(BigEndian64(u.bytes) ^ (uint64_t{1} << 63));
    dst[i].lower = BigEndian64(u.bytes + 8);
  }
}

void MarkNulls(const Column& column, size_t offset, size_t count, duckdb_vector vector, size_t at) {
  const uint8_t* valid = column.validity() + offset;
  uint64_t* mask = nullptr;
  for (size_t i = 0; i < count; ++i) {
    if (valid[i] != 0) continue;
    if (mask == nullptr) {
      duckdb_vector_ensure_validity_writable(vector);
      mask = duckdb_vector_get_validity(vector);
    }
    duckdb_validity_set_row_invalid(mask, at + i);
  }
}

void FillVarLen(const Column& column, const std::string& name, size_t offset, size_t count,
                duckdb_vector vector, size_t at, const std::string& table, size_t rows_before) {
  bool text = column.type().id != TypeId::kBytes;
  bool json = column.type().id == TypeId::kJson;
  auto* strings = static_cast<duckdb_string_t*>(duckdb_vector_get_data(vector));
  std::string_view previous;
  bool has_previous = false;  // row at + i - 1 of the vector holds `previous`
  for (size_t i = 0; i < count; ++i) {
    if (column.IsNull(offset + i)) {
      has_previous = false;
      continue;
    }
    std::string_view value = column.GetBytes(offset + i);
    // A value equal to the row before it (a load metadata column, a status
    // column) shares that row's string: checked once, copied once.
    if (has_previous && value == previous) {
      strings[at + i] = strings[at + i - 1];
      continue;
    }
    previous = value;
    has_previous = true;
    if (text && !IsValidUtf8(value)) {
      throw SinkError(fmt::format("table '{}' column '{}' row {}: text is not valid UTF-8", table,
                                  name, rows_before + at + i + 1));
    }
    if (json && !nlohmann::json::accept(value)) {
      throw SinkError(fmt::format("table '{}' column '{}' row {}: text is not valid JSON", table,
                                  name, rows_before + at + i + 1));
    }
    duckdb_vector_assign_string_element_len(vector, at + i, value.data(), value.size());
  }
}

}  // namespace

void FillDuckChunk(const Batch& batch, size_t offset, size_t count, duckdb_data_chunk chunk,
                   size_t at, const std::string& table, size_t rows_before) {
  for (size_t col = 0; col < batch.num_columns(); ++col) {
    const Column& column = batch.column(col);
    duckdb_vector vector = duckdb_data_chunk_get_vector(chunk, col);
    void* data = duckdb_vector_get_data(vector);
    TypeId id = column.type().id;
    if (IsVarLen(id)) {
      FillVarLen(column, batch.schema().fields[col].name, offset, count, vector, at, table,
                 rows_before);
    } else if (id == TypeId::kDecimal) {
      Decimals(column, offset, count, data, at);
    } else if (id == TypeId::kUuid) {
      Uuids(column, offset, count, data, at);
    } else {
      size_t width = FixedWidth(id);
      std::memcpy(static_cast<char*>(data) + at * width, column.values() + offset * width,
                  count * width);
    }
    MarkNulls(column, offset, count, vector, at);
  }
}

ChunkAppender::ChunkAppender(const Schema& schema, std::string table)
    : schema_(schema), table_(std::move(table)) {
  std::vector<DuckLogicalType> owned;
  std::vector<duckdb_logical_type> types;
  for (const Field& f : schema_.fields) {
    owned.push_back(DuckChunkType(f.type));
    types.push_back(owned.back().get());
  }
  chunk_ = DuckDataChunk(duckdb_create_data_chunk(types.data(), types.size()));
}

void ChunkAppender::Append(const Batch& batch, duckdb_appender appender) {
  const size_t capacity = duckdb_vector_size();
  for (size_t offset = 0; offset < batch.num_rows();) {
    size_t count = std::min(capacity - filled_, batch.num_rows() - offset);
    FillDuckChunk(batch, offset, count, chunk_.get(), filled_, table_, rows_appended_);
    filled_ += count;
    offset += count;
    if (filled_ == capacity) AppendChunk(appender);
  }
}

void ChunkAppender::Flush(duckdb_appender appender) {
  if (filled_ > 0) AppendChunk(appender);
}

void ChunkAppender::AppendChunk(duckdb_appender appender) {
  duckdb_data_chunk_set_size(chunk_.get(), filled_);
  if (duckdb_append_data_chunk(appender, chunk_.get()) == DuckDBError) {
    duckdb_error_data error = duckdb_appender_error_data(appender);
    std::string message = duckdb_error_data_message(error);
    duckdb_destroy_error_data(&error);
    throw SinkError(
        fmt::format("cannot append to table '{}': {}", table_, DuckErrorText(message.c_str())));
  }
  rows_appended_ += filled_;
  filled_ = 0;
  duckdb_data_chunk_reset(chunk_.get());
}

}  // namespace tributary
