#include "strategy/cdc_unchanged.h"

#include <fmt/format.h>

#include <unordered_set>

#include "common/error.h"
#include "data/value_text.h"

namespace tributary {
namespace {

constexpr char kKeySeparator = '\x1f';

bool Lands(std::string_view op) {
  return op == CdcOp::kInsert || op == CdcOp::kUpdate || op == CdcOp::kSnapshot;
}

// The canonical text of a key part the sink rendered as `text`.
std::string Canonical(const DataType& type, const std::string& text) {
  Column column(type);
  AppendValueText(column, text);
  return ValueText(column, 0);
}

}  // namespace

struct UnchangedFiller::Layout {
  std::vector<size_t> key;     // batch column of each key column
  std::vector<int> unsent;     // batch column of each unsent column (-1: absent)
  std::vector<int> unsent_of;  // per table column: its index in unsent_ (-1: none)
};

UnchangedFiller::UnchangedFiller(Sink& sink, CdcTables tables, std::vector<std::string> key,
                                 std::vector<std::string> unsent, std::string task)
    : sink_(sink),
      tables_(std::move(tables)),
      key_(std::move(key)),
      unsent_(std::move(unsent)),
      task_(std::move(task)) {}

UnchangedFiller::Layout UnchangedFiller::Locate(const Schema& schema) const {
  Layout at;
  for (const auto& k : key_) {
    int i = schema.IndexOf(k);
    if (i < 0) throw Error(fmt::format("task '{}': key column '{}' is not captured", task_, k));
    at.key.push_back(static_cast<size_t>(i));
  }
  at.unsent_of.assign(schema.fields.size() - kCdcMetadataColumns, -1);
  for (size_t u = 0; u < unsent_.size(); ++u) {
    int i = schema.IndexOf(unsent_[u]);
    at.unsent.push_back(i);
    if (i >= 0) at.unsent_of[static_cast<size_t>(i) - kCdcMetadataColumns] = static_cast<int>(u);
  }
  return at;
}

std::string UnchangedFiller::KeyOf(const Batch& rows, const Layout& at, size_t row) const {
  std::string key;
  for (size_t i = 0; i < at.key.size(); ++i) {
    if (i > 0) key += kKeySeparator;
    key += ValueText(rows.column(at.key[i]), row);
  }
  return key;
}

// An update that changed the key follows its `before` row (the old key):
// its unsent values are the old key's.
std::string UnchangedFiller::FromKey(const Batch& rows, const Layout& at, size_t row,
                                     const std::string& key) const {
  const Column& op = rows.column(0);
  if (row == 0 || op.GetBytes(row) != CdcOp::kUpdate || op.GetBytes(row - 1) != CdcOp::kBefore) {
    return key;
  }
  return KeyOf(rows, at, row - 1);
}

std::unordered_map<std::string, UnchangedFiller::Values> UnchangedFiller::Lookup(
    const std::vector<std::string>& keys, const Schema& schema, const Layout& at) {
  LatestValues* latest = sink_.latest_values();
  if (latest == nullptr) {
    throw Error(fmt::format(
        "task '{}': {} cannot read back landed values, which filling a value the source left "
        "out needs; set REPLICA IDENTITY FULL on the source table",
        task_, sink_.Describe()));
  }
  LatestRequest request{tables_.history, key_, unsent_, {}};
  for (const auto& key : keys) {
    std::vector<std::string> parts;
    for (size_t from = 0;;) {
      size_t end = key.find(kKeySeparator, from);
      parts.push_back(key.substr(from, end - from));
      if (end == std::string::npos) break;
      from = end + 1;
    }
    request.keys.push_back(std::move(parts));
  }
  if (tables_.current) {
    request.table = *tables_.current;
  } else {
    request.order_by = {kCdcLsnColumn, kCdcSeqColumn};
    request.filter_column = kCdcOpColumn;
    request.filter_values = {CdcOp::kInsert, CdcOp::kUpdate, CdcOp::kSnapshot};
  }
  std::unordered_map<std::string, Values> found;
  for (auto& [parts, values] : latest->Latest(request)) {
    std::string key;
    for (size_t i = 0; i < parts.size() && i < at.key.size(); ++i) {
      if (i > 0) key += kKeySeparator;
      key += Canonical(schema.fields[at.key[i]].type, parts[i]);
    }
    found[key] = std::move(values);
  }
  return found;
}

void UnchangedFiller::Fill(ChangeBatch& batch) {
  const Batch& rows = batch.rows;
  const Schema& schema = rows.schema();
  Layout at = Locate(schema);
  const Column& op = rows.column(0);
  const auto& cells = batch.unchanged;

  // The keys neither noted nor landed earlier in the batch: read from the sink at once.
  std::unordered_set<std::string> known, asked;
  for (const auto& [key, values] : noted_) known.insert(key);
  std::vector<std::string> lookup;
  for (size_t row = 0, next = 0; row < rows.num_rows(); ++row) {
    std::string key = KeyOf(rows, at, row);
    std::string from = FromKey(rows, at, row, key);
    for (; next < cells.size() && cells[next].row == row; ++next) {
      if (!known.count(from) && asked.insert(from).second) lookup.push_back(from);
    }
    std::string_view o = op.GetBytes(row);
    if (from != key) known.erase(from);
    if (Lands(o)) known.insert(key);
    if (o == CdcOp::kDelete) known.erase(key);
    if (o == CdcOp::kTruncate) known.clear();
  }
  auto landed =
      lookup.empty() ? std::unordered_map<std::string, Values>{} : Lookup(lookup, schema, at);

  // Walk again in order: fill from the newest value, then note the row.
  std::vector<std::string> fills(cells.size());
  for (size_t row = 0, next = 0; row < rows.num_rows(); ++row) {
    std::string key = KeyOf(rows, at, row);
    std::string from = FromKey(rows, at, row, key);
    std::string_view o = op.GetBytes(row);
    Values values;
    if (Lands(o)) {
      for (int c : at.unsent) {
        bool present = c >= 0 && !rows.column(static_cast<size_t>(c)).IsNull(row);
        values.push_back(present
                             ? std::optional(ValueText(rows.column(static_cast<size_t>(c)), row))
                             : std::nullopt);
      }
    }
    for (; next < cells.size() && cells[next].row == row; ++next) {
      int u = at.unsent_of[cells[next].column];
      auto it = noted_.find(from);
      const Values* source = it != noted_.end() ? &it->second : nullptr;
      if (source == nullptr) {
        auto sunk = landed.find(from);
        source = sunk != landed.end() ? &sunk->second : nullptr;
      }
      if (u < 0 || source == nullptr || !(*source)[static_cast<size_t>(u)]) {
        NotFound(rows, at, row, cells[next].column);
      }
      fills[next] = *(*source)[static_cast<size_t>(u)];
      if (Lands(o)) values[static_cast<size_t>(u)] = fills[next];
    }
    if (from != key) noted_.erase(from);
    if (Lands(o)) {
      for (const auto& v : values) bytes_ += v ? static_cast<int64_t>(v->size()) : 0;
      noted_[key] = std::move(values);
    }
    if (o == CdcOp::kDelete) noted_.erase(key);
    if (o == CdcOp::kTruncate) noted_.clear();
  }
  if (cells.empty()) return;

  // Rebuild the batch with the filled values.
  Batch out(rows.shared_schema());
  std::vector<std::vector<std::pair<size_t, size_t>>> by_column(rows.num_columns());
  for (size_t i = 0; i < cells.size(); ++i) {
    by_column[kCdcMetadataColumns + cells[i].column].emplace_back(cells[i].row, i);
  }
  for (size_t c = 0; c < rows.num_columns(); ++c) {
    if (by_column[c].empty()) {
      out.column(c) = rows.column(c);
      continue;
    }
    Column& to = out.column(c);
    to.Reserve(rows.num_rows());
    size_t next = 0;
    for (size_t row = 0; row < rows.num_rows(); ++row) {
      if (next < by_column[c].size() && by_column[c][next].first == row) {
        AppendValueText(to, fills[by_column[c][next++].second]);
      } else {
        to.AppendFrom(rows.column(c), row);
      }
    }
  }
  batch.rows = std::move(out);
  batch.unchanged.clear();
}

void UnchangedFiller::Committed() {
  noted_.clear();
  bytes_ = 0;
}

void UnchangedFiller::NotFound(const Batch& rows, const Layout& at, size_t row,
                               size_t column) const {
  std::string key;
  for (size_t i = 0; i < at.key.size(); ++i) {
    key +=
        fmt::format("{}{}={}", i > 0 ? ", " : "", key_[i], ValueText(rows.column(at.key[i]), row));
  }
  throw Error(fmt::format(
      "task '{}': a change at {} of table {} left column '{}' out because it did not change (a "
      "large value stored out of line; the source table's REPLICA IDENTITY is not FULL), and "
      "tributary has no value landed for key ({}) to fill it from (the key never landed, or "
      "its history was cut). It never writes NULL for it. Run ALTER TABLE … REPLICA IDENTITY "
      "FULL at the source, or take a fresh snapshot: `tributary backfill --tables {}`",
      task_, rows.column(1).GetBytes(row), tables_.history,
      rows.schema().fields[kCdcMetadataColumns + column].name, key, task_));
}

}  // namespace tributary
