// The sources the CDC reader contract suite runs against, behind one small
// interface so every test runs unchanged on each change reader that can run
// here. Adding a CDC source kind to the suite is one entry in
// CdcTestSourceKinds().
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "source/cdc_reader.h"

namespace tributary::testing {

class PgCluster;

// A database whose tables' committed changes a CdcReader can capture.
class CdcTestSource {
 public:
  virtual ~CdcTestSource() = default;
  // Creates `table` (id INTEGER PRIMARY KEY, name TEXT) with whatever the
  // kind needs for capture (PostgreSQL: REPLICA IDENTITY FULL, so updates
  // and deletes carry the whole old row).
  virtual void CreateTable(const std::string& table) = 0;
  // Runs `sql` at the source: one transaction, unless it holds BEGIN and
  // COMMIT itself (then each pair is one).
  virtual void Exec(const std::string& sql) = 0;
  // The first column of every row of `sql`, as text.
  virtual std::vector<std::string> Values(const std::string& sql) = 0;
  // A reader of `table`, opened the way a `cdc` task opens it: each call is
  // the reader of a new run.
  virtual std::unique_ptr<CdcReader> Open(const std::string& table) = 0;
  // Removes every change of `table` made so far from the source's log, as
  // its retention would (no reader of the table may be streaming).
  virtual void ExpireChanges(const std::string& table) = 0;
  // The position contract of cdc_reader.h: true when a position P means
  // "every transaction up to and including P landed" (SQL Server), false
  // when it means "every one before P" (PostgreSQL).
  virtual bool InclusivePositions() const = 0;
  // Whether a snapshot is exactly the table at its position (PostgreSQL's
  // exported snapshot); SQL Server's initial load reads the table after
  // recording the LSN, so a change made meanwhile may be in both.
  virtual bool ExactSnapshot() const = 0;
  // The position up to which the source was last acknowledged for `table`,
  // in the reader's position text; nullopt for a source that keeps no
  // acknowledgements (its retention does not wait for readers).
  virtual std::optional<std::string> Acknowledged(const std::string& table) = 0;
};

struct CdcTestSourceKind {
  std::string name;
  std::function<std::unique_ptr<CdcTestSource>()> make;
};

inline void PrintTo(const CdcTestSourceKind& kind, std::ostream* out) { *out << kind.name; }

// Every kind the CDC suite runs against.
std::vector<CdcTestSourceKind> CdcTestSourceKinds();

// SQL Server's CdcReader on the scripted server (sqlserver_cdc_test_source.cc).
std::unique_ptr<CdcTestSource> MakeScriptedSqlServerCdcSource();

// Drops the replication slots of `database` (there are few per cluster, and
// a database with slots cannot be dropped), waiting up to 10 s for a
// finished or killed reader's server process to let go of its slot. Never
// throws: a stopped cluster has nothing to free.
void DropReplicationSlots(const PgCluster& pg, const std::string& database);

}  // namespace tributary::testing
