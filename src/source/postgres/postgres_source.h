// The PostgreSQL source: one database of a `kind: postgresql` server. Reads
// with binary COPY decoded straight into batches (pg_copy_stream.h), maps
// types strictly (pg_types.h), and reads large tables in parallel under one
// exported snapshot (pg_parallel_reader.h). See docs/postgresql.md.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "clients/postgres/pg_connection.h"
#include "clients/postgres/pg_types.h"
#include "source/postgres/pg_parallel_reader.h"
#include "source/source.h"

namespace tributary {

// Identifiers in double quotes; literals with explicit casts to the column's
// type ('2026-03-29 13:05:00+00:00'::timestamptz), so a predicate on an
// indexed column compares like with like and can use the index.
class PostgresDialect final : public Dialect {
 public:
  std::string QuoteIdentifier(std::string_view name) const override;
  std::string Literal(const DataType& type, std::string_view value) const override;
};

// Not thread-safe (one task owns it). Readers share its connection and keep
// it alive; run one reader at a time.
class PostgresSource final : public Source {
 public:
  // Connects. Throws SourceError naming server, host and database.
  explicit PostgresSource(PgConnectInfo info, PgParallelOptions parallel = {});

  const Dialect& dialect() const override { return dialect_; }
  // Tables, views, materialized views, foreign and partitioned tables. An
  // empty schema follows the server's search_path. Names are exact (quoted).
  // Throws SourceError naming the column and type of an unmappable column.
  Schema DescribeTable(const TableRef& ref) override;
  // Exactly one statement; its result columns must all be mappable.
  std::unique_ptr<Reader> Query(const std::string& sql) override;
  // In parallel when request.parallelism > 1 and the table is large enough.
  std::unique_ptr<Reader> Read(const ReadRequest& request) override;
  std::string Describe() const override { return conn_->describe(); }
  void SetQueryTag(const std::string& tag) override;
  // pg_class.reltuples summed over the table's leaf partitions (ANALYZE and
  // autovacuum keep it); nullopt when one was never analysed, or a view.
  std::optional<int64_t> EstimateRows(const TableRef& ref) override;
  // Tables, views, materialized views, foreign and partitioned tables
  // outside the system schemas that this user can see.
  std::vector<TableRef> ListTables() override;
  // Prepares `sql` itself (the server's exact error), then reads zero rows
  // of it (the rights to read what it reads).
  Schema DescribeQuery(const std::string& sql) override;
  // See pg_cdc_check.h.
  std::vector<SourceFinding> CheckChangeCapture(const Project& project,
                                                const std::vector<Task>& tasks) override;

 private:
  struct Plan {
    std::shared_ptr<const Schema> schema;
    std::vector<std::shared_ptr<const PgValueType>> types;
  };
  // Describes `sql` and maps its columns; `what` names table or query.
  Plan PlanQuery(const std::string& sql, const std::string& what);
  [[noreturn]] void ThrowUnsupported(const std::string& what, const std::string& column,
                                     const PgValueType& type) const;

  PostgresDialect dialect_;
  PgParallelOptions parallel_;
  std::shared_ptr<PgConnection> conn_;
  PgTypeResolver resolver_;
  std::string tag_ = "/* tributary */ ";  // of catalog lookups
};

}  // namespace tributary
