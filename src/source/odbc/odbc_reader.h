// Streams one ODBC result set into columnar batches. Columns are bound to
// row arrays (SQL_ATTR_ROW_ARRAY_SIZE) and fetched a block of rows at a
// time; when a column is unbounded (varchar(max), text, xml, …) rows are
// fetched one at a time and that column and the ones after it are read
// piecewise with SQLGetData (which ODBC only allows after the bound columns).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "source/odbc/odbc_connection.h"
#include "source/odbc/odbc_text.h"
#include "source/odbc/odbc_types.h"

namespace tributary {

// Not thread-safe. Keeps its connection alive. Destroying it before the end
// cancels the rest of the result on the server.
class OdbcReader final : public Reader {
 public:
  static constexpr size_t kMaxRowsPerFetch = 1024;
  static constexpr size_t kTargetFetchBytes = 4 << 20;

  // Takes a statement positioned on a result set with columns. Throws
  // SourceError naming column and type when a column's type has no mapping
  // (see odbc_types.h), or when two columns share a name.
  OdbcReader(std::shared_ptr<OdbcConnection> conn, OdbcHandle stmt);
  ~OdbcReader() override;

  const std::shared_ptr<const Schema>& schema() const override { return schema_; }
  bool Next(Batch& batch, const BatchLimits& limits) override;

  // Rows fetched per round trip to the driver (1 when a column is long).
  size_t rows_per_fetch() const { return block_rows_; }

 private:
  struct ColumnBuffer {
    std::vector<char> data;
    std::vector<SQLLEN> lengths;
  };

  OdbcColumnInfo DescribeColumn(SQLUSMALLINT number);
  std::string ColumnText(SQLUSMALLINT number, SQLUSMALLINT field);
  void Describe();
  void Bind();
  void ChooseBlockRows();
  bool FetchBlock();
  void FinishResults();
  void AppendRow(Batch& batch, size_t row);
  void AppendBound(Column& column, size_t index, size_t row);
  void AppendLong(Column& column, size_t index);
  void Decode(Column& column, size_t index, const char* data, size_t length);
  [[noreturn]] void ThrowValue(size_t index, const std::string& why) const;

  std::shared_ptr<OdbcConnection> conn_;
  OdbcHandle stmt_;
  std::vector<OdbcColumnPlan> plans_;
  std::vector<std::string> tables_;  // base table of each column, for errors
  std::shared_ptr<const Schema> schema_;
  std::vector<ColumnBuffer> buffers_;
  size_t first_long_ = 0;  // columns from here on use SQLGetData
  size_t block_rows_ = 1;
  SQLULEN rows_fetched_ = 0;
  size_t cursor_ = 0;
  bool done_ = false;      // the last row was fetched
  bool finished_ = false;  // … and every result after it consumed cleanly
  size_t rows_returned_ = 0;
  std::string scratch_;
  std::string long_value_;
  std::vector<char> chunk_;
};

}  // namespace tributary
