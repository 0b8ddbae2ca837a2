// Plain-text tables for terminal output (plan, run summary, status).
#pragma once

#include <string>
#include <vector>

namespace tributary {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> headers);
  // REQUIRES: cells.size() == number of headers.
  void AddRow(std::vector<std::string> cells);
  // Marks a column as numeric: right-aligned.
  void AlignRight(size_t column);
  size_t num_rows() const { return rows_.size(); }
  // Columns padded to their widest cell (counted in UTF-8 code points).
  std::string Render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<bool> right_;
};

// "1,234,567"
std::string FormatCount(long long n);
// "12.3 MB" (decimal units)
std::string FormatBytes(double bytes);
// "850ms", "12.4s", "3m05s", "2h14m", "3d04h"
std::string FormatDuration(double seconds);

}  // namespace tributary
