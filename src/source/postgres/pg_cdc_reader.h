// The CdcReader of PostgreSQL: logical decoding with pgoutput over the
// streaming replication protocol (binary values), one publication and one
// replication slot per captured table. The first run creates the slot with
// an exported snapshot and copies the table in that snapshot, then streams
// from the slot's consistent point: no gap, no duplicate. See docs/cdc.md.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "clients/postgres/pg_connection.h"
#include "clients/postgres/pg_replication_connection.h"
#include "clients/postgres/pg_types.h"
#include "source/cdc_reader.h"
#include "source/postgres/pg_cdc_catalog.h"
#include "source/postgres/pg_change_stream.h"
#include "source/postgres/pg_parallel_reader.h"

namespace tributary {

struct PgCdcOptions {
  TableRef table;
  std::string task;  // the sink table, for messages
  std::string name;  // DefaultPgCdcName: the base of default slot names
  std::string slot;  // named in the config; empty: the default (OwnedPgSlotName)
  std::string publication;
  bool manage_publication = true;  // create it / add the table when missing
  PgParallelOptions parallel;
  std::chrono::milliseconds status_interval{10'000};
};

// Not thread-safe, except Acknowledge (see CdcReader).
class PgCdcReader final : public CdcReader {
 public:
  // Connects (a normal connection for the catalog). Throws SourceError.
  PgCdcReader(PgConnectInfo info, PgCdcOptions options);
  ~PgCdcReader() override;

  std::string Describe() const override { return what_; }
  CdcTableInfo DescribeTable() override;
  void CheckPrerequisites() override;
  CdcSnapshot Snapshot(const CdcSnapshotRequest& request) override;
  void CheckResume(const CdcCheckpoint& from) override;
  std::string Bound() override;
  std::unique_ptr<ChangeStream> ReadChanges(const CdcStreamRequest& request) override;
  void Acknowledge(const std::string& position) override;
  using CdcReader::Status;
  CdcStatus Status(const CdcOwner& owner) override;

 private:
  struct Columns;
  Columns ReadColumns();
  PgReplicationConnection& Replication();
  std::string Identity(const PgSystemInfo& system, const std::string& sink) const;
  std::string SlotOf(const CdcOwner& owner);
  bool Owns(const CdcOwner& owner, const std::string& slot, const PgSlotFacts& facts) const;
  void ReleasePrevious(const CdcOwner& owner, const std::string& target);
  void ClaimSlot(const CdcOwner& owner, const std::string& target);
  void DropSlot(const std::string& slot);
  void JudgeSlot(const CdcOwner& owner, const std::string& name, const PgSlotFacts& slot,
                 CdcStatus& status) const;
  std::string SnapshotSelect(const CdcSnapshotRequest& request, PgLsn position,
                             const Schema& columns);
  void CheckIdentity(const CdcCheckpoint& from);
  void CheckSlot(PgLsn from);
  [[noreturn]] void Gap(const std::string& what_happened) const;

  PgConnectInfo info_;
  PgCdcOptions options_;
  std::string what_;
  std::string slot_;  // the slot of this run: set by Snapshot or CheckResume
  std::unique_ptr<PgConnection> sql_;
  std::unique_ptr<PgTypeResolver> resolver_;
  std::shared_ptr<PgReplicationConnection> repl_;  // not yet streaming
  std::weak_ptr<PgReplicationConnection> streaming_;
  std::shared_ptr<std::atomic<PgLsn>> acked_;
};

// "tributary_<project>_<task>": lower-case, [a-z0-9_], at most 63 bytes (a
// hash keeps long names unique). Replication slot names allow no more. The
// default publication's name, and the slot name of captures started before
// slots carried their sink.
std::string DefaultPgCdcName(const std::string& project, const std::string& task);

// The default slot of a capture `sink` starts: `name` (cut to 54 bytes,
// a hash keeping it unique) + "_" + 8 hex digits digesting the sink's
// identity, so the slot says which sink owns it (docs/cdc.md).
std::string OwnedPgSlotName(const std::string& name, const std::string& sink);

}  // namespace tributary
