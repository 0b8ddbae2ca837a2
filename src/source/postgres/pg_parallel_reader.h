// Parallel reads of one PostgreSQL table: the source's connection opens a
// REPEATABLE READ transaction and exports its snapshot; more connections
// import it (SET TRANSACTION SNAPSHOT), so every connection sees exactly the
// same data. The table's pages are cut into ctid ranges (a TID Range Scan
// each, PostgreSQL 14+; the last range is open-ended) that the connections
// take from a shared list and COPY in binary. Their batches meet in one
// bounded queue behind a single Reader, so the pipeline is unchanged and
// memory stays bounded: at most 2 × connections batches in flight.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "clients/postgres/pg_connection.h"
#include "clients/postgres/pg_types.h"
#include "source/source.h"

namespace tributary {

// How a parallel read splits a table.
struct PgParallelOptions {
  // Pages (8 kB each by default) below which a range is not worth a
  // connection of its own: a table smaller than two ranges is read in one
  // stream whatever the parallelism.
  int64_t min_pages_per_range = 1024;
  // Ranges per connection, so a connection that finishes early takes more.
  int ranges_per_connection = 4;
};

// A page range [first, end); end < 0 means "to the end of the table".
struct PgPageRange {
  int64_t first = 0;
  int64_t end = -1;
  bool operator==(const PgPageRange&) const = default;
};

// Cuts `pages` into at most connections × ranges_per_connection ranges of at
// least min_pages_per_range pages, the last open-ended; empty when fewer
// than two ranges would result.
std::vector<PgPageRange> SplitPages(int64_t pages, int connections,
                                    const PgParallelOptions& options);

struct PgParallelRead {
  const ReadRequest& request;
  std::string qualified_table;  // "schema"."table", quoted
  std::string select;           // SELECT <columns> FROM <table>, without WHERE
  std::string what;             // "table 'public.orders'", for errors
  std::shared_ptr<const Schema> schema;
  std::vector<std::shared_ptr<const PgValueType>> types;
  PgParallelOptions options;
};

// A parallel reader for `read`, or nullptr — leaving `conn` as it was — when
// the table should be read in one stream: server older than 14, not a plain
// table or materialized view (views, partitioned and foreign tables), or
// too small. If some extra connections cannot be opened (connection limit),
// reads with those it has and logs a warning. Throws SourceError when the
// snapshot cannot be exported or imported.
std::unique_ptr<Reader> OpenPgParallelReader(std::shared_ptr<PgConnection> conn,
                                             const PgParallelRead& read);

}  // namespace tributary
