// What logical decoding of one table needs from PostgreSQL's catalog, read
// and checked with messages that say exactly what to change at the source:
// wal_level, the table's replica identity and TOASTable columns, the
// publication and the replication slot.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "clients/postgres/pg_connection.h"
#include "clients/postgres/pg_lsn.h"
#include "source/source.h"

namespace tributary {

struct PgCdcTableFacts {
  uint32_t oid = 0;
  char relkind = 'r';
  char replica_identity = 'd';  // d default, n nothing, f full, i index
  std::vector<std::string> primary_key;
  std::vector<std::string> out_of_line;        // columns whose values may be TOASTed out of line
  std::vector<std::string> out_of_line_other;  // of those, the ones neither text nor json
  bool can_select = false;
};

// Throws SourceError when the table does not exist (naming `what`).
PgCdcTableFacts ReadPgCdcTable(PgConnection& conn, const TableRef& table, const std::string& what);

// Throws SourceError unless wal_level is logical and the server is 14+.
void CheckPgLogicalDecoding(PgConnection& conn);

// Refuses a table whose updates and deletes a publication would break
// (no replica identity), one whose unchanged TOASTed values could not be
// filled (identity not FULL, and a column neither text nor json or no
// primary key to fill by), one this user cannot read.
void CheckPgCdcTable(const PgCdcTableFacts& facts, const TableRef& table, const std::string& what);

struct PgPublicationFacts {
  bool exists = false;
  bool has_table = false;
  bool publishes_all = false;  // insert, update, delete and truncate
  bool filtered = false;       // a row filter or a column list on the table
};
PgPublicationFacts ReadPgPublication(PgConnection& conn, const std::string& publication,
                                     const TableRef& table);
// Creates the publication or adds the table when `manage`; otherwise (a
// publication named in the config) refuses one that is missing, lacks the
// table, leaves out operations or filters rows or columns.
void EnsurePgPublication(PgConnection& conn, const std::string& publication, const TableRef& table,
                         bool manage, const std::string& what);

struct PgSlotFacts {
  bool exists = false;
  std::string plugin;
  std::string database;
  std::string wal_status;  // reserved, extended, unreserved, lost
  PgLsn restart_lsn = 0;
  PgLsn confirmed_flush_lsn = 0;
  std::optional<int64_t> active_pid;
};
PgSlotFacts ReadPgSlot(PgConnection& conn, const std::string& slot);

}  // namespace tributary
