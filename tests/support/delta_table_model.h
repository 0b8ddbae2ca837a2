// A model of what a Delta table written in a test must hold, kept beside
// the real loads that write it (support/delta_reader_tables.h): rows by key,
// the columns with their latest types, the row count and operation of every
// commit.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "sink/delta/delta_sink.h"
#include "support/delta_reader_tables.h"

namespace tributary::testing {

// A row of the model: column name → reader text.
using Row = std::map<std::string, ReaderValue>;

// Loads one table through the sink and keeps a model of what it must hold,
// keyed by the first column (an integer). Not thread-safe; `sink` must
// outlive it.
class TableWriterModel {
 public:
  TableWriterModel(DeltaSink& sink, std::string table) : sink_(sink), table_(std::move(table)) {}

  // Loads `batches` in one transaction (table and schema filled in) and
  // applies them to the model. Throws what the sink throws.
  void Load(const std::vector<Batch>& batches, LoadSpec spec);
  void Load(const Batch& batch, WriteMode mode) {
    LoadSpec spec;
    spec.mode = mode;
    Load({batch}, spec);
  }
  // Rows a delete window removes, before the load that re-adds them.
  void Erase(const std::function<bool(const Row&)>& match) {
    std::erase_if(rows_, [&](const auto& entry) { return match(entry.second); });
  }
  // Runs the sink's compaction (an OPTIMIZE commit).
  void Compact();
  // Vacuums with no retention: every file the latest version does not use
  // is deleted (no commit). Returns the number of data files deleted.
  int64_t Vacuum();
  // What the table under `root` holds now.
  ReaderTable Result(const std::filesystem::path& root) const;

 private:
  void Apply(const Batch& b, const std::string& delete_marker);
  void Commit(const std::string& operation) {
    operations_.push_back(operation);
    version_rows_.push_back(static_cast<int64_t>(rows_.size()));
  }

  DeltaSink& sink_;
  std::string table_;
  std::vector<Field> columns_;
  std::vector<std::string> partition_by_;
  std::map<int64_t, Row> rows_;
  std::vector<int64_t> version_rows_;
  std::vector<std::string> operations_;
};

}  // namespace tributary::testing
