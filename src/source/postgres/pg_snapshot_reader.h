// Reads one table as of a snapshot exported by another session (the
// replication slot's creation): every connection imports it (SET TRANSACTION
// SNAPSHOT), so all see exactly the data the slot's stream continues from.
// Large tables are cut into ctid page ranges (SplitPages) read by several
// connections at once with binary COPY (PgCopyStream); their batches meet in
// one bounded queue behind a single Reader.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "clients/postgres/pg_connection.h"
#include "clients/postgres/pg_types.h"
#include "source/postgres/pg_parallel_reader.h"
#include "source/source.h"

namespace tributary {

struct PgSnapshotRead {
  PgConnectInfo info;
  std::string snapshot;         // the exported snapshot's name
  std::string qualified_table;  // "schema"."table", quoted
  std::string select;           // SELECT … FROM <table>, without WHERE
  std::string what;             // for errors
  std::string tag;              // leading comment of every statement
  std::shared_ptr<const Schema> schema;
  std::vector<std::shared_ptr<const PgValueType>> types;
  int parallelism = 1;
  PgParallelOptions options;
};

// Opens the connections and imports the snapshot before returning, so the
// exporting session may go on afterwards. Next() requires an empty batch.
// Throws SourceError (e.g. the snapshot is gone: its session ended).
std::unique_ptr<Reader> OpenPgSnapshotReader(const PgSnapshotRead& read);

}  // namespace tributary
