#include "strategy/cdc_segment.h"

#include <fmt/format.h>

#include "common/error.h"
#include "data/load_metadata.h"
#include "strategy/pipeline.h"

namespace tributary {
namespace {

constexpr const char* kDeletedMarker = "_deleted";
// History columns copied into the current table after the table's columns.
constexpr size_t kCurrentMetadata[] = {1, 3, 5};  // _commit_lsn, _commit_time, _ingested_at

// `history`: HistorySchema of the captured columns (without `_run_id`).
std::shared_ptr<const Schema> CurrentSchema(const Schema& history, bool stamped, bool marker) {
  auto schema = std::make_shared<Schema>();
  for (size_t i = kCdcMetadataColumns; i < history.fields.size(); ++i) {
    schema->fields.push_back(history.fields[i]);
  }
  for (size_t i : kCurrentMetadata) schema->fields.push_back(history.fields[i]);
  if (stamped) schema->fields.push_back(RunIdField());
  if (marker) schema->fields.push_back(Field{kDeletedMarker, DataType{TypeId::kBool}, false});
  return schema;
}

// A batch of `from`'s schema holding the listed rows, in that order.
Batch SelectRows(const Batch& from, const std::vector<size_t>& rows) {
  Batch out(from.shared_schema());
  for (size_t c = 0; c < from.num_columns(); ++c) {
    Column& to = out.column(c);
    to.Reserve(rows.size());
    for (size_t row : rows) to.AppendFrom(from.column(c), row);
  }
  return out;
}

Batch SliceRows(const Batch& from, size_t begin, size_t end) {
  std::vector<size_t> rows(end - begin);
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = begin + i;
  return SelectRows(from, rows);
}

bool IsDeletion(std::string_view op) { return op == CdcOp::kDelete || op == CdcOp::kBefore; }

}  // namespace

std::string CurrentTableName(const std::string& history) { return history + "_current"; }

CdcSegment::CdcSegment(Sink& sink, const std::string& task_id, const CdcTables& tables,
                       std::shared_ptr<const Schema> history_schema, CurrentMode mode,
                       std::string opened_at, std::string run_id)
    : task_id_(task_id),
      run_id_(std::move(run_id)),
      txn_(sink.Begin(task_id)),
      mode_(mode),
      opened_at_(std::move(opened_at)) {
  bool stamped = !run_id_.empty();
  if (stamped) {
    auto with_run = std::make_shared<Schema>(*history_schema);
    with_run->fields.push_back(RunIdField());
    history_schema_ = std::move(with_run);
  } else {
    history_schema_ = history_schema;
  }
  history_ = &txn_->Open(LoadSpec{tables.history, *history_schema_, WriteMode::kAppend});
  if (!tables.current) return;
  bool merge = mode != CurrentMode::kReplace;
  current_schema_ = CurrentSchema(*history_schema, stamped, merge);
  LoadSpec spec{*tables.current, *current_schema_, merge ? WriteMode::kMerge : WriteMode::kReplace};
  if (merge) {
    spec.key = tables.key;
    spec.delete_marker = kDeletedMarker;
  }
  // Every stored row has a position, so ">= ''" is every row.
  if (mode == CurrentMode::kEmptied) spec.delete_window = DeleteWindow{kCdcLsnColumn, ""};
  current_ = &txn_->Open(spec);
}

void CdcSegment::Write(const Batch& batch, size_t begin, size_t end, const std::string& skip_lsn,
                       int64_t skip_below) {
  if (begin >= end) return;
  if (!run_id_.empty()) {
    history_->Write(StampedHistory(batch, begin, end));
  } else if (begin == 0 && end == batch.num_rows()) {
    history_->Write(batch);
  } else {
    history_->Write(SliceRows(batch, begin, end));
  }
  rows_ += static_cast<int64_t>(end - begin);
  if (current_ == nullptr) return;
  Batch rows = CurrentRows(batch, begin, end, skip_lsn, skip_below);
  if (rows.num_rows() > 0) current_->Write(rows);
}

Batch CdcSegment::StampedHistory(const Batch& batch, size_t begin, size_t end) const {
  Batch out(history_schema_);
  bool whole = begin == 0 && end == batch.num_rows();
  for (size_t c = 0; c < batch.num_columns(); ++c) {
    if (whole) {
      out.column(c) = batch.column(c);
      continue;
    }
    Column& to = out.column(c);
    to.Reserve(end - begin);
    for (size_t row = begin; row < end; ++row) to.AppendFrom(batch.column(c), row);
  }
  Column& run = out.column(batch.num_columns());
  run.Reserve(end - begin);
  for (size_t row = begin; row < end; ++row) run.AppendBytes(run_id_);
  return out;
}

Batch CdcSegment::CurrentRows(const Batch& batch, size_t begin, size_t end,
                              const std::string& skip_lsn, int64_t skip_below) {
  const Column& op = batch.column(0);
  const Column& lsn = batch.column(1);
  const Column& seq = batch.column(2);
  std::vector<size_t> keep;
  for (size_t row = begin; row < end; ++row) {
    if (op.GetBytes(row) == CdcOp::kTruncate) continue;
    if (!skip_lsn.empty() && lsn.GetBytes(row) == skip_lsn && seq.Get<int64_t>(row) < skip_below)
      continue;
    keep.push_back(row);
  }
  bool all = keep.size() == batch.num_rows();
  Batch selected = all ? Batch(batch.shared_schema()) : SelectRows(batch, keep);
  const Batch& from = all ? batch : selected;
  Batch out(current_schema_);
  size_t columns = batch.num_columns() - kCdcMetadataColumns;
  for (size_t i = 0; i < columns; ++i) out.column(i) = from.column(kCdcMetadataColumns + i);
  for (size_t i = 0; i < std::size(kCurrentMetadata); ++i) {
    out.column(columns + i) = from.column(kCurrentMetadata[i]);
  }
  if (!run_id_.empty()) {
    Column& run = out.column(columns + std::size(kCurrentMetadata));
    run.Reserve(from.num_rows());
    for (size_t row = 0; row < from.num_rows(); ++row) run.AppendBytes(run_id_);
  }
  if (mode_ != CurrentMode::kReplace) {
    Column& marker = out.column(out.num_columns() - 1);
    for (size_t row = 0; row < from.num_rows(); ++row) {
      marker.Append<uint8_t>(IsDeletion(from.column(0).GetBytes(row)) ? 1 : 0);
    }
  }
  for (size_t row : keep) {
    if (lsn.GetBytes(row) != last_current_lsn_) {
      last_current_lsn_ = std::string(lsn.GetBytes(row));
      current_rows_at_last_ = 0;
    }
    ++current_rows_at_last_;
  }
  return out;
}

void CdcSegment::Commit(const std::string& state) {
  CommitTimed(*txn_, state, task_id_);
  history_ = current_ = nullptr;
}

}  // namespace tributary
