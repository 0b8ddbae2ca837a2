// Streams one SQLite statement's rows into columnar batches.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "source/source.h"
#include "source/sqlite/sqlite_handles.h"

namespace tributary {

// Column types come from each result column's declared type
// (sqlite3_column_decltype, mapped by SqliteDeclaredType). A column of a table
// declared without a type is bytes. An expression (no declared type, no
// origin table) takes its type from the values in the first rows: the
// constructor reads ahead up to kLookaheadRows rows and picks the widest
// storage class seen (INTEGER → bigint, REAL → double, TEXT → text, BLOB →
// bytes; only NULLs → text). Later rows are converted strictly to that type, so e.g. a REAL 2.5
// after INTEGERs is an error that names the row — CAST the expression in the
// query to make its type explicit. Not thread-safe.
class SqliteReader final : public Reader {
 public:
  static constexpr size_t kLookaheadRows = 1000;

  // Takes ownership of a prepared statement. `where` names server and
  // database for errors. Throws SourceError if the first rows cannot be read.
  SqliteReader(SqliteStmt stmt, std::string where);

  const std::shared_ptr<const Schema>& schema() const override { return schema_; }
  bool Next(Batch& batch, const BatchLimits& limits) override;

 private:
  bool Step();  // advances the statement; false at the end
  void BuildSchema();
  void ReadAhead();
  void AppendRow(Batch& batch, const std::vector<sqlite3_value*>& row);
  [[noreturn]] void ThrowConversion(size_t column, sqlite3_value* value) const;

  SqliteStmt stmt_;
  std::string where_;
  std::shared_ptr<const Schema> schema_;
  std::deque<std::vector<SqliteValue>> buffered_;  // rows read ahead, not yet returned
  std::vector<sqlite3_value*> row_;                // the current row's values
  bool done_ = false;
  size_t rows_returned_ = 0;
};

}  // namespace tributary
