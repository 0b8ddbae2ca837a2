// The source side: a Source is one open connection to a server's database;
// it describes tables and runs SQL, handing back a Reader that streams
// columnar batches. Strategies see only these interfaces.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/project.h"
#include "data/batch.h"

namespace tributary {

struct TableRef {
  std::string schema;  // may be empty: the database's default schema
  std::string table;
};

// What a strategy asks of one table: the common request of full,
// selected_columns and incremental loads. A source that can read a table in
// parallel (PostgreSQL) splits it into ranges read at once under one snapshot;
// the others run one SELECT.
struct ReadRequest {
  TableRef table;
  Schema columns;       // in order; every batch has exactly these columns
  std::string where;    // optional SQL predicate, in the source's dialect
  int parallelism = 1;  // > 1: the source may read up to this many ranges at once
  std::string tag;      // leading SQL comment (QueryTag) on every statement sent
};

// SQL spelling rules of one database.
class Dialect {
 public:
  virtual ~Dialect() = default;
  // Quotes an identifier so any name (spaces, quotes, mixed case, reserved
  // words) refers to exactly that object.
  virtual std::string QuoteIdentifier(std::string_view name) const = 0;
  // "schema"."table", or just "table" when the schema is empty.
  std::string QualifiedName(const TableRef& ref) const;
  // SELECT "a", "b" FROM "s"."t"  (all columns of `schema` in order).
  std::string SelectColumns(const TableRef& ref, const Schema& columns) const;
  // A SQL literal of `type` for `value` in its canonical text form (see
  // source/value_text.h). The default quotes text-like values as SQL strings
  // and writes numbers bare.
  virtual std::string Literal(const DataType& type, std::string_view value) const;
  // A predicate on `column` (of `type`) true for at least every row whose
  // value is in [from, to) — an empty bound is unbounded — so a source whose
  // storage cannot compare exactly may select a few more rows (the caller cuts
  // the exact range on typed values). The default is exact.
  virtual std::string RangePredicate(std::string_view column, const DataType& type,
                                     const std::string& from, const std::string& to) const;
};

// The outcome of one check `tributary check` runs (see engine/check.h).
enum class CheckStatus { kOk, kWarn, kFail };

// One finding of a source's own checks (change capture prerequisites).
struct SourceFinding {
  std::string table;  // "schema.table", or "" for the database as a whole
  std::string check;  // "wal_level", "replication", "replica identity", …
  CheckStatus status = CheckStatus::kOk;
  std::string message;  // what was found and, unless ok, what to change
};

// Streams the result of one query. Not thread-safe; owned by one thread.
class Reader {
 public:
  virtual ~Reader() = default;
  // The shape of every batch this reader produces.
  virtual const std::shared_ptr<const Schema>& schema() const = 0;
  // Appends rows to `batch` (created with schema()) until `limits` says it
  // is full or the result ends. Returns false once the result is exhausted
  // and nothing was appended. Throws SourceError on failure.
  virtual bool Next(Batch& batch, const BatchLimits& limits) = 0;
};

// One connection to one database of a server. Not thread-safe: one task
// opens its own Source.
class Source {
 public:
  virtual ~Source() = default;
  virtual const Dialect& dialect() const = 0;
  // Columns of a table in their declared order. Throws SourceError naming
  // the table when it does not exist.
  virtual Schema DescribeTable(const TableRef& ref) = 0;
  // Runs `sql` and streams its result. Throws SourceError with the server and
  // database in the message when the query fails.
  virtual std::unique_ptr<Reader> Query(const std::string& sql) = 0;
  // Streams the rows of `request`. The default runs one
  // `<tag>SELECT <columns> FROM <table> [WHERE <where>]` through Query().
  virtual std::unique_ptr<Reader> Read(const ReadRequest& request);
  // Sets the leading SQL comment (QueryTag) of every statement the source
  // sends from now on — catalog lookups included — so a DBA can tell which
  // run and task sent it. Sources whose database keeps no statement history
  // ignore it.
  virtual void SetQueryTag(const std::string& tag) { (void)tag; }
  // "sqlite server 'shop' database 'shop.db'": used in errors and logs.
  virtual std::string Describe() const = 0;
  // The rows of `ref` as the database's own statistics tell, for the
  // progress display: cheap (never a scan of a big table; answered within a
  // fraction of a second) and possibly stale. nullopt when the source has no
  // figure (never analysed, a view, a kind without statistics). Throws
  // SourceError.
  virtual std::optional<int64_t> EstimateRows(const TableRef& ref) {
    (void)ref;
    return std::nullopt;
  }

  // Catalog questions `tributary check` asks, with the user's own rights.
  //
  // The tables and views of the database this user can see, each with its
  // schema, for suggestions on a misspelt name. Throws SourceError.
  virtual std::vector<TableRef> ListTables() = 0;
  // The columns of `sql`'s result, without loading it: a syntax error or a
  // missing column or table fails now, with the source's message. The
  // default runs `SELECT * FROM (<sql>) AS q WHERE 1=0` (one statement, a
  // trailing semicolon dropped) and reads its zero rows, which also needs
  // the rights to read what the query reads. Throws SourceError.
  virtual Schema DescribeQuery(const std::string& sql);
  // Reads zero rows of `columns` of `ref` as this user, the way a load
  // reads them. Throws SourceError when the user cannot (no SELECT right).
  virtual void ProbeRead(const TableRef& ref, const Schema& columns);
  // Whether change capture (the cdc strategy) can serve `tasks` (all of
  // this database): the server's settings once, then each table. The
  // default says the kind has no change capture.
  virtual std::vector<SourceFinding> CheckChangeCapture(const Project& project,
                                                        const std::vector<Task>& tasks);
};

}  // namespace tributary
