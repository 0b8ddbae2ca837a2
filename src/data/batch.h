// Columnar batches: the unit that flows from a reader, through the bounded
// queue, to a sink. Each column is one typed vector plus a validity mask, so
// readers decode straight into it and sinks copy whole vectors out of it.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "data/types.h"

namespace tributary {

// A growable byte buffer that leaves the bytes it grows into uninitialised
// (std::vector zero-fills them on every resize, which a decoder appending a
// few bytes per value pays for on every value). Copyable.
class ByteBuffer {
 public:
  ByteBuffer() = default;
  ByteBuffer(const ByteBuffer& other);
  ByteBuffer& operator=(const ByteBuffer& other);
  ByteBuffer(ByteBuffer&&) noexcept = default;
  ByteBuffer& operator=(ByteBuffer&&) noexcept = default;

  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  const uint8_t* data() const { return data_.get(); }
  // Grows by n bytes and returns where they start; their content is unset.
  uint8_t* Extend(size_t n) {
    if (capacity_ - size_ < n) Grow(size_ + n);
    uint8_t* at = data_.get() + size_;
    size_ += n;
    return at;
  }
  void Append(const void* bytes, size_t n) {
    if (n > 0) std::memcpy(Extend(n), bytes, n);
  }
  void Reserve(size_t n) {
    if (n > capacity_) Grow(n);
  }
  void Clear() { size_ = 0; }

 private:
  void Grow(size_t at_least);

  std::unique_ptr<uint8_t[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// One nullable typed column. Fixed-width values live contiguously in
// `values_` (FixedWidth(type) bytes each); variable-length values live in
// `heap_`, delimited by `offsets_` (size()+1 entries). A null row still
// occupies a (zeroed / empty) slot so row i is always at index i.
// Not thread-safe; a column is owned by one thread at a time.
class Column {
 public:
  explicit Column(DataType type);

  const DataType& type() const { return type_; }
  size_t size() const { return validity_.size(); }
  bool IsNull(size_t row) const { return validity_[row] == 0; }
  size_t null_count() const;

  void AppendNull();
  // REQUIRES: T matches the column's fixed-width storage (bool→uint8_t,
  // int16→int16_t, int32/date→int32_t, int64/time/timestamp[tz]→int64_t,
  // float32→float, float64→double, decimal→Int128, interval→Interval,
  // uuid→Uuid).
  template <class T>
  void Append(const T& value) {
    validity_.push_back(1);
    std::memcpy(values_.Extend(sizeof(T)), &value, sizeof(T));
  }
  // REQUIRES: IsVarLen(type().id).
  void AppendBytes(std::string_view value);
  // Appends row `row` of `src` (null or not). REQUIRES: src.type() == type().
  void AppendFrom(const Column& src, size_t row);

  template <class T>
  T Get(size_t row) const {
    T v;
    std::memcpy(&v, values_.data() + row * sizeof(T), sizeof(T));
    return v;
  }
  std::string_view GetBytes(size_t row) const {
    return std::string_view(heap() + offsets_[row], offsets_[row + 1] - offsets_[row]);
  }

  // Raw access for bulk copies. Valid until the next append.
  const uint8_t* validity() const { return validity_.data(); }
  const uint8_t* values() const { return values_.data(); }
  const uint64_t* offsets() const { return offsets_.data(); }
  const char* heap() const { return reinterpret_cast<const char*>(heap_.data()); }

  // Approximate memory held by the column's data, in bytes.
  size_t ByteSize() const;
  void Reserve(size_t rows);
  void Clear();

 private:
  DataType type_;
  std::vector<uint8_t> validity_;  // 1 = valid, 0 = null; one byte per row
  ByteBuffer values_;
  std::vector<uint64_t> offsets_;
  ByteBuffer heap_;
};

// A set of equally long columns described by a schema.
class Batch {
 public:
  explicit Batch(std::shared_ptr<const Schema> schema);

  const Schema& schema() const { return *schema_; }
  const std::shared_ptr<const Schema>& shared_schema() const { return schema_; }
  size_t num_rows() const { return columns_.empty() ? 0 : columns_[0].size(); }
  size_t num_columns() const { return columns_.size(); }
  Column& column(size_t i) { return columns_[i]; }
  const Column& column(size_t i) const { return columns_[i]; }
  size_t ByteSize() const;
  void Clear();

 private:
  std::shared_ptr<const Schema> schema_;
  std::vector<Column> columns_;
};

// When a reader should hand a batch over: whichever limit is reached first.
// A load holds up to queue depth + 2 batches (more with parallel readers), so
// max_bytes bounds its memory; past a few MB a bigger batch is not faster.
struct BatchLimits {
  size_t max_rows = 64 * 1024;
  size_t max_bytes = 4 << 20;

  bool Full(const Batch& batch) const {
    return batch.num_rows() >= max_rows || batch.ByteSize() >= max_bytes;
  }
};

}  // namespace tributary
