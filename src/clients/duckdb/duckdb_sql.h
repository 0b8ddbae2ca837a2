// Small helpers for running SQL through DuckDB's C API with errors turned
// into SinkError.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "clients/duckdb/duckdb_handles.h"
#include "common/clock.h"

namespace tributary {

// "name" with embedded quotes doubled: any name refers to exactly that object.
std::string DuckQuote(std::string_view name);
// 'text' as a SQL string literal, embedded quotes doubled.
std::string DuckString(std::string_view text);
// "catalog"."schema"."table". Always give the catalog: a file named
// bronze.duckdb is a catalog "bronze", which makes bronze.t ambiguous.
std::string DuckQualified(std::string_view catalog, std::string_view schema,
                          std::string_view table);

// The worker threads an embedded DuckDB gets: `configured` when above 0, else
// one less than the machine's cores, at least 1. A load's reader decodes on
// its own thread, and in DuckDB 1.4 a thread waiting for its workers to finish
// a step spins instead of sleeping (duckdb/duckdb#22178), so threads beyond the
// cores left over slow a load down rather than speed it up.
int DuckThreads(int configured);
// Sets DuckThreads(configured) on `config`; throws SinkError naming `sink`.
void SetDuckThreads(duckdb_config config, int configured, std::string_view sink);

// DuckDB's error message, with a hint added when DuckDB ran out of memory.
std::string DuckErrorText(const char* message);

// Runs `sql`; throws SinkError "<what>: <duckdb message>" on failure.
DuckResult DuckExec(duckdb_connection conn, const std::string& sql, std::string_view what);

// A prepared statement with positional (1-based) parameters.
class DuckStatement {
 public:
  // Throws SinkError naming `what` when the SQL does not prepare.
  DuckStatement(duckdb_connection conn, const std::string& sql, std::string what);

  DuckStatement& Bind(uint64_t index, std::string_view text);
  DuckStatement& Bind(uint64_t index, int64_t value);
  DuckStatement& BindTime(uint64_t index, TimePoint value);  // as TIMESTAMPTZ
  DuckStatement& BindTime(uint64_t index, const std::optional<TimePoint>& value);
  DuckResult Execute();

 private:
  void Check(duckdb_state state, uint64_t index);

  DuckPrepared prepared_;
  std::string what_;
};

// Reads row `row` of column `col`; nullopt for NULL.
std::optional<std::string> ResultText(DuckResult& result, uint64_t col, uint64_t row);
std::optional<int64_t> ResultInt(DuckResult& result, uint64_t col, uint64_t row);
uint64_t ResultRows(DuckResult& result);

}  // namespace tributary
