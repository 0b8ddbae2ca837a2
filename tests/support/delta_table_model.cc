#include "support/delta_table_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace tributary::testing {

namespace fs = std::filesystem;

void TableWriterModel::Load(const std::vector<Batch>& batches, LoadSpec spec) {
  spec.table = table_;
  spec.schema = batches.front().schema();
  auto txn = sink_.Begin(table_);
  auto& writer = txn->Open(spec);
  for (const Batch& b : batches) writer.Write(b);
  txn->Commit(fmt::format("state {}", operations_.size()));
  if (spec.mode == WriteMode::kReplace) {
    rows_.clear();
    columns_.clear();
  }
  if (spec.mode == WriteMode::kReplace || version_rows_.empty()) partition_by_ = spec.partition_by;
  for (const Batch& b : batches) Apply(b, spec.delete_marker);
  Commit(spec.mode == WriteMode::kMerge ? "MERGE" : "WRITE");
}

int64_t TableWriterModel::Vacuum() {
  // Files removed in this very millisecond are not yet past a zero retention.
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  VacuumOptions options;
  options.retain_ms = 0;
  auto result = sink_.Vacuum(table_, options);
  if (!result) throw std::runtime_error("no table to vacuum");
  return result->files_deleted;
}

void TableWriterModel::Compact() {
  if (!sink_.Compact(table_, 0)) throw std::runtime_error("no table to compact");
  Commit("OPTIMIZE");
}

void TableWriterModel::Apply(const Batch& b, const std::string& delete_marker) {
  const Schema& schema = b.schema();
  for (const Field& f : schema.fields) {
    if (f.name == delete_marker) continue;
    auto it = std::find_if(columns_.begin(), columns_.end(),
                           [&](const Field& c) { return c.name == f.name; });
    if (it == columns_.end()) {
      columns_.push_back(f);
    } else if (FitsInto(it->type, f.type)) {
      it->type = f.type;  // widened
    }
  }
  int marker = delete_marker.empty() ? -1 : schema.IndexOf(delete_marker);
  for (size_t r = 0; r < b.num_rows(); ++r) {
    int64_t key = std::stoll(*ReaderText(b.column(0), r));
    if (marker >= 0 && b.column(marker).Get<uint8_t>(r)) {
      rows_.erase(key);
      continue;
    }
    Row row;
    for (size_t c = 0; c < schema.fields.size(); ++c) {
      if (static_cast<int>(c) != marker) row[schema.fields[c].name] = ReaderText(b.column(c), r);
    }
    rows_[key] = row;
  }
}

ReaderTable TableWriterModel::Result(const fs::path& root) const {
  ReaderTable t;
  t.name = table_;
  t.path = root / table_;
  t.columns = columns_;
  t.partition_by = partition_by_;
  for (const auto& [key, row] : rows_) {
    ReaderRow out;
    for (const Field& f : columns_) {
      auto it = row.find(f.name);
      out.push_back(it == row.end() ? std::nullopt : it->second);
    }
    t.rows.push_back(out);
  }
  t.version_rows = version_rows_;
  t.operations = operations_;
  return t;
}

}  // namespace tributary::testing
