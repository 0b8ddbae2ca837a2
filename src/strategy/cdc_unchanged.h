// Fills the values a change left out because they did not change
// (ChangeBatch::unchanged, source/cdc_reader.h; PostgreSQL without REPLICA
// IDENTITY FULL): from the key's last change in the open segment, else from
// what the sink landed last for the key — the current table with `current:
// true`, else the key's newest history row — read once per batch for all
// its keys. A value found nowhere stops the run: it is never written as
// NULL. See docs/cdc.md, "Large values (TOAST)".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "sink/sink.h"
#include "source/cdc_reader.h"
#include "strategy/cdc_segment.h"

namespace tributary {

// Not thread-safe.
class UnchangedFiller {
 public:
  // `key`: the table's primary key; `unsent`: the columns a change may leave
  // out (CdcTableInfo::unsent).
  UnchangedFiller(Sink& sink, CdcTables tables, std::vector<std::string> key,
                  std::vector<std::string> unsent, std::string task);

  // Fills every unchanged cell of `batch` (whose rows are in commit order),
  // then notes its rows as their keys' latest values. Throws Error naming
  // table, key and column when a value cannot be found.
  void Fill(ChangeBatch& batch);
  // The open segment committed: the sink holds what was noted.
  void Committed();
  // Bytes of values noted since the last commit.
  int64_t bytes() const { return bytes_; }

 private:
  using Values = std::vector<std::optional<std::string>>;  // per unsent column
  struct Layout;
  Layout Locate(const Schema& schema) const;
  std::string KeyOf(const Batch& rows, const Layout& at, size_t row) const;
  std::string FromKey(const Batch& rows, const Layout& at, size_t row,
                      const std::string& key) const;
  std::unordered_map<std::string, Values> Lookup(const std::vector<std::string>& keys,
                                                 const Schema& schema, const Layout& at);
  [[noreturn]] void NotFound(const Batch& rows, const Layout& at, size_t row, size_t column) const;

  Sink& sink_;
  CdcTables tables_;
  std::vector<std::string> key_;
  std::vector<std::string> unsent_;
  std::string task_;
  std::unordered_map<std::string, Values> noted_;  // key text → latest values, this segment
  int64_t bytes_ = 0;
};

}  // namespace tributary
