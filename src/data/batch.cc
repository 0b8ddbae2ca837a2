#include "data/batch.h"

#include <algorithm>

namespace tributary {

ByteBuffer::ByteBuffer(const ByteBuffer& other) { *this = other; }

ByteBuffer& ByteBuffer::operator=(const ByteBuffer& other) {
  if (this == &other) return *this;
  size_ = 0;
  Reserve(other.size_);
  Append(other.data(), other.size_);
  return *this;
}

void ByteBuffer::Grow(size_t at_least) {
  size_t capacity = std::max<size_t>({at_least, capacity_ * 2, 64});
  auto grown = std::make_unique_for_overwrite<uint8_t[]>(capacity);
  if (size_ > 0) std::memcpy(grown.get(), data_.get(), size_);
  data_ = std::move(grown);
  capacity_ = capacity;
}

Column::Column(DataType type) : type_(type) {
  if (IsVarLen(type_.id)) offsets_.push_back(0);
}

size_t Column::null_count() const {
  return static_cast<size_t>(std::count(validity_.begin(), validity_.end(), uint8_t{0}));
}

void Column::AppendNull() {
  validity_.push_back(0);
  if (IsVarLen(type_.id)) {
    offsets_.push_back(heap_.size());
  } else {
    size_t width = FixedWidth(type_.id);
    std::memset(values_.Extend(width), 0, width);
  }
}

void Column::AppendBytes(std::string_view value) {
  validity_.push_back(1);
  heap_.Append(value.data(), value.size());
  offsets_.push_back(heap_.size());
}

void Column::AppendFrom(const Column& src, size_t row) {
  if (src.IsNull(row)) return AppendNull();
  if (IsVarLen(type_.id)) return AppendBytes(src.GetBytes(row));
  size_t width = FixedWidth(type_.id);
  validity_.push_back(1);
  const uint8_t* from = src.values_.data() + row * width;
  values_.Append(from, width);
}

size_t Column::ByteSize() const {
  return validity_.size() + values_.size() + offsets_.size() * sizeof(uint64_t) + heap_.size();
}

void Column::Reserve(size_t rows) {
  validity_.reserve(rows);
  if (IsVarLen(type_.id)) {
    offsets_.reserve(rows + 1);
  } else {
    values_.Reserve(rows * FixedWidth(type_.id));
  }
}

void Column::Clear() {
  validity_.clear();
  values_.Clear();
  heap_.Clear();
  offsets_.clear();
  if (IsVarLen(type_.id)) offsets_.push_back(0);
}

Batch::Batch(std::shared_ptr<const Schema> schema) : schema_(std::move(schema)) {
  columns_.reserve(schema_->fields.size());
  for (const auto& f : schema_->fields) columns_.emplace_back(f.type);
}

size_t Batch::ByteSize() const {
  size_t total = 0;
  for (const auto& c : columns_) total += c.ByteSize();
  return total;
}

void Batch::Clear() {
  for (auto& c : columns_) c.Clear();
}

}  // namespace tributary
