// The SQLite source: one database file of a `kind: sqlite` server, opened
// read-only. Server settings: `directory` (relative to the project dir,
// default "."); each database name is a file in it, e.g. `shop.db`.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "config/project.h"
#include "source/source.h"
#include "source/sqlite/sqlite_handles.h"

namespace tributary {

// Identifiers in double quotes with embedded quotes doubled.
class SqliteDialect final : public Dialect {
 public:
  std::string QuoteIdentifier(std::string_view name) const override;
  // Dates and timestamps may be stored as text (any ISO form, with offsets),
  // Unix seconds or Julian days: they are compared as µs since the epoch,
  // widened by a second for floating-point error.
  std::string RangePredicate(std::string_view column, const DataType& type, const std::string& from,
                             const std::string& to) const override;
};

// Not thread-safe (one task owns it). Readers it returns stay valid after the
// source is destroyed.
class SqliteSource final : public Source {
 public:
  // Opens `database` inside the server's directory read-only. Throws
  // SourceError naming server, database and directory when it cannot.
  SqliteSource(const Project& project, const ServerConfig& server, const std::string& database);

  const Dialect& dialect() const override { return dialect_; }
  // An empty schema means "main"; attached database names also work.
  Schema DescribeTable(const TableRef& ref) override;
  // Exactly one statement; its types follow SqliteReader's rules.
  std::unique_ptr<Reader> Query(const std::string& sql) override;
  std::string Describe() const override { return describe_; }
  // The table's figure in sqlite_stat1 (ANALYZE), else a count(*) given
  // kEstimateBudget: a table too big to count in it has no estimate.
  std::optional<int64_t> EstimateRows(const TableRef& ref) override;
  static constexpr std::chrono::milliseconds kEstimateBudget{150};
  // Tables and views of every attached schema (main first).
  std::vector<TableRef> ListTables() override;
  // Prepares `sql` without running it.
  Schema DescribeQuery(const std::string& sql) override;

 private:
  SqliteStmt Prepare(const std::string& sql);

  SqliteDialect dialect_;
  std::string describe_;
  SqliteDb db_;
};

}  // namespace tributary
