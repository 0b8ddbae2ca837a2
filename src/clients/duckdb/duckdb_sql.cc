#include "clients/duckdb/duckdb_sql.h"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "common/error.h"
#include "common/log.h"

namespace tributary {

int DuckThreads(int configured) {
  if (configured > 0) return configured;
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()) - 1);
}

void SetDuckThreads(duckdb_config config, int configured, std::string_view sink) {
  std::string threads = std::to_string(DuckThreads(configured));
  if (duckdb_set_config(config, "threads", threads.c_str()) == DuckDBError) {
    throw SinkError(fmt::format("the {} sink's threads ({}) is not a thread count DuckDB accepts",
                                sink, threads));
  }
}

std::string DuckQuote(std::string_view name) {
  std::string quoted = "\"";
  for (char c : name) {
    quoted += c;
    if (c == '"') quoted += '"';
  }
  return quoted + "\"";
}

std::string DuckString(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

std::string DuckQualified(std::string_view catalog, std::string_view schema,
                          std::string_view table) {
  return DuckQuote(catalog) + "." + DuckQuote(schema) + "." + DuckQuote(table);
}

std::string DuckErrorText(const char* message) {
  std::string text = message != nullptr ? message : "unknown error";
  if (text.rfind("Out of Memory Error", 0) == 0) {
    // DuckDB's own advice names SQL settings; ours is the tributary.yml key.
    text = text.substr(0, text.find('\n')) +
           " (raise the sink's memory_limit in tributary.yml, see docs/configuration.md)";
  }
  return text;
}

DuckResult DuckExec(duckdb_connection conn, const std::string& sql, std::string_view what) {
  if (LogEnabled(LogLevel::kDebug))
    Log(LogLevel::kDebug, "sql", {{"sink", "duckdb"}, {"sql", sql}});
  DuckResult result;
  if (duckdb_query(conn, sql.c_str(), result.out()) == DuckDBError) {
    throw SinkError(fmt::format("{}: {}", what, DuckErrorText(duckdb_result_error(result.get()))));
  }
  return result;
}

DuckStatement::DuckStatement(duckdb_connection conn, const std::string& sql, std::string what)
    : what_(std::move(what)) {
  if (duckdb_prepare(conn, sql.c_str(), prepared_.out()) == DuckDBError) {
    const char* error = duckdb_prepare_error(prepared_.get());
    throw SinkError(fmt::format("{}: {}", what_, error != nullptr ? error : "cannot prepare"));
  }
}

void DuckStatement::Check(duckdb_state state, uint64_t index) {
  if (state == DuckDBError)
    throw SinkError(fmt::format("{}: cannot bind parameter {}", what_, index));
}

DuckStatement& DuckStatement::Bind(uint64_t index, std::string_view text) {
  Check(duckdb_bind_varchar_length(prepared_.get(), index, text.data(), text.size()), index);
  return *this;
}

DuckStatement& DuckStatement::Bind(uint64_t index, int64_t value) {
  Check(duckdb_bind_int64(prepared_.get(), index, value), index);
  return *this;
}

DuckStatement& DuckStatement::BindTime(uint64_t index, TimePoint value) {
  Check(duckdb_bind_timestamp_tz(prepared_.get(), index, duckdb_timestamp{ToMicros(value)}), index);
  return *this;
}

DuckStatement& DuckStatement::BindTime(uint64_t index, const std::optional<TimePoint>& value) {
  if (value) return BindTime(index, *value);
  Check(duckdb_bind_null(prepared_.get(), index), index);
  return *this;
}

DuckResult DuckStatement::Execute() {
  DuckResult result;
  if (duckdb_execute_prepared(prepared_.get(), result.out()) == DuckDBError) {
    const char* error = duckdb_result_error(result.get());
    throw SinkError(fmt::format("{}: {}", what_, error != nullptr ? error : "unknown error"));
  }
  return result;
}

std::optional<std::string> ResultText(DuckResult& result, uint64_t col, uint64_t row) {
  if (duckdb_value_is_null(result.get(), col, row)) return std::nullopt;
  char* text = duckdb_value_varchar(result.get(), col, row);
  std::string value = text != nullptr ? text : "";
  duckdb_free(text);
  return value;
}

std::optional<int64_t> ResultInt(DuckResult& result, uint64_t col, uint64_t row) {
  if (duckdb_value_is_null(result.get(), col, row)) return std::nullopt;
  return duckdb_value_int64(result.get(), col, row);
}

uint64_t ResultRows(DuckResult& result) { return duckdb_row_count(result.get()); }

}  // namespace tributary
