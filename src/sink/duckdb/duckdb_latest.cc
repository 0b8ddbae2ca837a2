#include "sink/duckdb/duckdb_latest.h"

#include <fmt/format.h>

#include "clients/duckdb/duckdb_sql.h"

namespace tributary {
namespace {

constexpr size_t kKeysPerQuery = 500;

std::string Text(const std::string& column) { return "CAST(" + DuckQuote(column) + " AS VARCHAR)"; }

// The key columns as one text, to compare with the requested keys.
std::string KeyText(const std::vector<std::string>& key) {
  std::string out;
  for (const auto& k : key) out += (out.empty() ? "" : " || chr(31) || ") + Text(k);
  return out;
}

std::string Joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : std::string(1, '\x1f')) + v;
  return out;
}

std::string Sql(const std::string& from, const LatestRequest& request, size_t begin, size_t end) {
  std::string select;
  for (const auto& k : request.key) select += (select.empty() ? "" : ", ") + Text(k);
  for (const auto& c : request.columns) select += ", " + Text(c);
  std::string keys;
  for (size_t i = begin; i < end; ++i) {
    keys += (keys.empty() ? "" : ", ") + DuckString(Joined(request.keys[i]));
  }
  std::string sql =
      fmt::format("SELECT {} FROM {} WHERE {} IN ({})", select, from, KeyText(request.key), keys);
  if (!request.filter_column.empty()) {
    std::string values;
    for (const auto& v : request.filter_values)
      values += (values.empty() ? "" : ", ") + DuckString(v);
    sql += fmt::format(" AND {} IN ({})", DuckQuote(request.filter_column), values);
  }
  if (request.order_by.empty()) return sql;
  std::string partition, order;
  for (const auto& k : request.key) partition += (partition.empty() ? "" : ", ") + DuckQuote(k);
  for (const auto& o : request.order_by)
    order += (order.empty() ? "" : ", ") + DuckQuote(o) + " DESC";
  return sql + fmt::format(" QUALIFY row_number() OVER (PARTITION BY {} ORDER BY {}) = 1",
                           partition, order);
}

}  // namespace

LatestRows DuckLatest(duckdb_connection conn, const std::string& from, const LatestRequest& request,
                      const std::string& what) {
  LatestRows out;
  for (size_t begin = 0; begin < request.keys.size(); begin += kKeysPerQuery) {
    size_t end = std::min(request.keys.size(), begin + kKeysPerQuery);
    DuckResult result = DuckExec(conn, Sql(from, request, begin, end),
                                 fmt::format("cannot read the last values landed in {}", what));
    size_t keys = request.key.size();
    for (uint64_t row = 0; row < ResultRows(result); ++row) {
      std::vector<std::string> key;
      for (size_t k = 0; k < keys; ++k) key.push_back(ResultText(result, k, row).value_or(""));
      std::vector<std::optional<std::string>> values;
      for (size_t c = 0; c < request.columns.size(); ++c) {
        values.push_back(ResultText(result, keys + c, row));
      }
      out[std::move(key)] = std::move(values);
    }
  }
  return out;
}

}  // namespace tributary
