// A private copy of examples/quickstart with its SQLite shop database built,
// for end-to-end tests that load it.
#pragma once

#include <filesystem>
#include <string>

namespace tributary::testing {

// Copies examples/quickstart into `dest` (which must exist) and creates
// data/shop.db from data/shop.sql. Returns the project directory.
std::filesystem::path MakeQuickstartProject(const std::filesystem::path& dest);

// Runs a single-value query against a DuckDB file and returns the value as
// text ("NULL" for null). Throws on error.
std::string DuckDbScalar(const std::filesystem::path& db, const std::string& sql);

// Executes SQL statements against a SQLite file (created if missing),
// waiting up to 30 s for a lock held by another connection.
void SqliteExec(const std::filesystem::path& db, const std::string& sql);
// The same, returning the first value of the first row as text ("" when there
// is no row, "NULL" for null).
std::string SqliteScalar(const std::filesystem::path& db, const std::string& sql);

}  // namespace tributary::testing
