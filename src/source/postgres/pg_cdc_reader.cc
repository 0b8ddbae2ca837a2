#include "source/postgres/pg_cdc_reader.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "common/error.h"
#include "common/log.h"
#include "source/postgres/pg_cdc_catalog.h"
#include "source/postgres/pg_snapshot_reader.h"
#include "source/postgres/postgres_source.h"

namespace tributary {
namespace {

constexpr uint32_t kTextOid = 25, kInt8Oid = 20, kTimestampTzOid = 1184;

std::string DisplayName(const TableRef& ref) {
  return ref.schema.empty() ? ref.table : ref.schema + "." + ref.table;
}

std::string SqlString(std::string_view value) {
  std::string quoted = "'";
  for (char c : value) {
    quoted += c;
    if (c == '\'') quoted += '\'';
  }
  return quoted + "'";
}

std::shared_ptr<const PgValueType> Builtin(uint32_t oid) {
  return std::make_shared<const PgValueType>(*BuiltinPgType(oid, -1));
}

// The slot's facts once no process holds it, waiting up to 10 s: a run
// killed a moment ago leaves its walsender until the server notices.
PgSlotFacts ReadIdleSlot(PgConnection& conn, const std::string& slot) {
  PgSlotFacts facts = ReadPgSlot(conn, slot);
  for (int i = 0; i < 100 && facts.active_pid; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    facts = ReadPgSlot(conn, slot);
  }
  return facts;
}

// FNV-1a in 8 hex digits: the same on every machine and version.
std::string Fnv8(std::string_view text) {
  uint32_t hash = 2166136261u;
  for (char c : text) hash = (hash ^ static_cast<uint8_t>(c)) * 16777619u;
  return fmt::format("{:08x}", hash);
}

// The slot a stored checkpoint's identity names ("" when none).
std::string StoredSlot(const CdcCheckpoint& stored) {
  try {
    auto j = nlohmann::json::parse(stored.identity);
    return j.is_object() ? j.value("slot", "") : "";
  } catch (const std::exception&) {
    return "";
  }
}

bool SlotBusy(const SourceError& e) {
  return std::string_view(e.what()).find("is active for PID") != std::string_view::npos;
}

}  // namespace

struct PgCdcReader::Columns {
  Schema schema;
  std::vector<std::shared_ptr<const PgValueType>> types;
  std::vector<std::string> key;
  std::vector<std::string> unsent;  // see CdcTableInfo
};

PgCdcReader::PgCdcReader(PgConnectInfo info, PgCdcOptions options)
    : info_(std::move(info)),
      options_(std::move(options)),
      what_(fmt::format("{} table {}", info_.Describe(), DisplayName(options_.table))),
      sql_(std::make_unique<PgConnection>(info_)),
      resolver_(std::make_unique<PgTypeResolver>(*sql_)),
      acked_(std::make_shared<std::atomic<PgLsn>>(0)) {}

PgCdcReader::~PgCdcReader() = default;

PgCdcReader::Columns PgCdcReader::ReadColumns() {
  PgCdcTableFacts facts = ReadPgCdcTable(*sql_, options_.table, what_);
  // Generated columns are not published; they are left out everywhere.
  PgResult r = sql_->Exec(
      "/* tributary */ SELECT attname, atttypid, atttypmod, attnotnull FROM "
      "pg_catalog.pg_attribute WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped AND "
      "attgenerated = '' ORDER BY attnum",
      {std::to_string(facts.oid)});
  Columns columns;
  columns.key = facts.primary_key;
  if (facts.replica_identity != 'f') columns.unsent = facts.out_of_line;
  for (int row = 0; row < PQntuples(r.get()); ++row) {
    std::string name = PQgetvalue(r.get(), row, 0);
    PgValueType type =
        resolver_->Resolve(static_cast<uint32_t>(std::stoul(PQgetvalue(r.get(), row, 1))),
                           std::stoi(PQgetvalue(r.get(), row, 2)));
    if (type.wire == PgWire::kUnsupported) {
      throw SourceError(fmt::format(
          "{}: column '{}' has type {}, which tributary cannot load without loss (see the type "
          "mapping in docs/postgresql.md); CDC captures every column, so change its type or "
          "load the table with a `query`",
          what_, name, type.name));
    }
    if (IsCdcMetadataColumn(name)) {
      throw SourceError(
          fmt::format("{}: column '{}' has the name of a change-history metadata "
                      "column; rename it at the source to capture the table",
                      what_, name));
    }
    columns.schema.fields.push_back(Field{name, type.type, PQgetvalue(r.get(), row, 3)[0] != 't'});
    columns.types.push_back(std::make_shared<const PgValueType>(std::move(type)));
  }
  return columns;
}

CdcTableInfo PgCdcReader::DescribeTable() {
  Columns columns = ReadColumns();
  return CdcTableInfo{columns.schema, columns.key, columns.unsent};
}

void PgCdcReader::CheckPrerequisites() {
  CheckPgLogicalDecoding(*sql_);
  CheckPgCdcTable(ReadPgCdcTable(*sql_, options_.table, what_), options_.table, what_);
}

PgReplicationConnection& PgCdcReader::Replication() {
  if (!repl_) repl_ = std::make_shared<PgReplicationConnection>(info_);
  return *repl_;
}

std::string PgCdcReader::Identity(const PgSystemInfo& system, const std::string& sink) const {
  nlohmann::ordered_json j;
  j["system_identifier"] = system.system_id;
  j["database"] = info_.database;
  j["slot"] = slot_;
  j["publication"] = options_.publication;
  if (!sink.empty()) j["sink"] = sink;
  return j.dump();
}

// The slot the owner's capture uses: the one its state names, else the one
// a new capture would create.
std::string PgCdcReader::SlotOf(const CdcOwner& owner) {
  if (owner.stored) {
    std::string stored = StoredSlot(*owner.stored);
    if (!stored.empty()) return stored;
  }
  if (!options_.slot.empty()) return options_.slot;
  if (!owner.sink.empty()) return OwnedPgSlotName(options_.name, owner.sink);
  // The sink is not known: its default slot is the one slot of this table
  // whose name has the default's shape, if there is exactly one.
  std::string owned = OwnedPgSlotName(options_.name, "");
  PgResult r = sql_->Exec(
      "/* tributary */ SELECT slot_name FROM pg_catalog.pg_replication_slots WHERE database = "
      "pg_catalog.current_database() AND (slot_name = $1 OR slot_name ~ ('^' || $2 || "
      "'_[0-9a-f]{8}$'))",
      {options_.name, owned.substr(0, owned.size() - 9)});
  return PQntuples(r.get()) == 1 ? PQgetvalue(r.get(), 0, 0) : options_.name;
}

// A slot is the owner's when its name carries the owner's digest, or when
// the owner's state names it and nobody read it past the stored position.
bool PgCdcReader::Owns(const CdcOwner& owner, const std::string& slot,
                       const PgSlotFacts& facts) const {
  if (!owner.sink.empty() && slot == OwnedPgSlotName(options_.name, owner.sink)) return true;
  if (!owner.stored || StoredSlot(*owner.stored) != slot) return false;
  auto position = ParseLsn(owner.stored->position);
  return position && facts.confirmed_flush_lsn <= *position;
}

void PgCdcReader::DropSlot(const std::string& slot) {
  sql_->Exec("/* tributary */ SELECT pg_catalog.pg_drop_replication_slot($1)", {slot});
}

// A new capture under another name (a legacy slot name, a changed `slot:`)
// leaves the owner's earlier slot behind: dropped when it is still the
// owner's, kept (and said) when another consumer has read it since.
void PgCdcReader::ReleasePrevious(const CdcOwner& owner, const std::string& target) {
  if (!owner.stored) return;
  std::string previous = StoredSlot(*owner.stored);
  if (previous.empty() || previous == target) return;
  PgSlotFacts facts = ReadIdleSlot(*sql_, previous);
  if (!facts.exists || facts.active_pid) return;
  if (!Owns(owner, previous, facts)) {
    Log(LogLevel::kWarn, "leaving the earlier replication slot: another consumer read it since",
        {{"source", what_}, {"slot", previous}});
    return;
  }
  Log(LogLevel::kInfo, "dropping the earlier replication slot of this capture",
      {{"source", what_}, {"slot", previous}});
  DropSlot(previous);
}

// Makes room for the new capture's slot `target`: an existing one is
// dropped when it is the owner's (a re-snapshot, a run killed before its
// snapshot committed) or taken over explicitly; otherwise refused.
void PgCdcReader::ClaimSlot(const CdcOwner& owner, const std::string& target) {
  PgSlotFacts slot = ReadIdleSlot(*sql_, target);
  if (!slot.exists) return;
  if (slot.plugin != "pgoutput" || slot.database != info_.database) {
    throw CdcOwnershipError(fmt::format(
        "{}: replication slot '{}' exists but belongs to something else (plugin {}, database "
        "{}); name another slot for this table (cdc key `slot`)",
        what_, target, slot.plugin, slot.database));
  }
  if (slot.active_pid) {
    throw SourceError(fmt::format(
        "{}: replication slot '{}' is in use by server process {} (another run of this table?)",
        what_, target, *slot.active_pid));
  }
  if (Owns(owner, target, slot)) {
    Log(LogLevel::kWarn, "dropping the table's replication slot to start capture afresh",
        {{"source", what_}, {"slot", target}});
  } else if (owner.take_over) {
    Log(LogLevel::kWarn,
        "TAKING OVER replication slot from another consumer: its capture stops with a gap",
        {{"source", what_}, {"slot", target}, {"confirmed", FormatLsn(slot.confirmed_flush_lsn)}});
  } else {
    throw CdcOwnershipError(fmt::format(
        "{}: replication slot '{}' exists and is not this sink's capture ({}). tributary neither "
        "reads nor drops it, so whoever uses it keeps streaming. Give this sink its own slot "
        "(drop the cdc key `slot`: the default name is unique per sink), or, if that capture "
        "is abandoned and this sink is to own the stream, take it over: `tributary backfill "
        "--tables {} --take-over` (the other sink's capture then stops with a GAP)",
        what_, target,
        owner.stored ? "this sink's stored capture has it read past its position: another "
                       "sink took it over"
                     : "another sink, or another project of the same name, created it",
        options_.task));
  }
  DropSlot(target);
}

std::string PgCdcReader::SnapshotSelect(const CdcSnapshotRequest& request, PgLsn position,
                                        const Schema& columns) {
  PgResult now = sql_->Exec("/* tributary */ SELECT pg_catalog.now()::text");
  PostgresDialect dialect;
  std::string sql = fmt::format(
      "SELECT 'snapshot'::text, {}::text, 0::int8, {}::timestamptz, NULL::int8, "
      "'1970-01-01 00:00:00+00'::timestamptz + {} * interval '1 microsecond'",
      SqlString(LsnPosition(position)), SqlString(PQgetvalue(now.get(), 0, 0)),
      request.ingested_at);
  for (const Field& f : columns.fields) sql += ", " + dialect.QuoteIdentifier(f.name);
  return sql + " FROM " + dialect.QualifiedName(options_.table);
}

CdcSnapshot PgCdcReader::Snapshot(const CdcSnapshotRequest& request) {
  EnsurePgPublication(*sql_, options_.publication, options_.table, options_.manage_publication,
                      what_);
  Columns columns = ReadColumns();
  repl_.reset();  // a fresh connection: its snapshot must stay valid while the copy starts
  Replication().Exec("SET idle_in_transaction_session_timeout = 0");
  PgSystemInfo system = repl_->IdentifySystem();
  const CdcOwner& owner = request.owner;
  std::string target = !options_.slot.empty() ? options_.slot
                       : owner.sink.empty()   ? options_.name
                                              : OwnedPgSlotName(options_.name, owner.sink);
  ClaimSlot(owner, target);
  ReleasePrevious(owner, target);
  slot_ = target;
  PgCreatedSlot created = repl_->CreateSlot(slot_);
  Log(LogLevel::kInfo, "created replication slot",
      {{"source", what_}, {"slot", slot_}, {"position", FormatLsn(created.consistent_point)}});

  PgSnapshotRead read;
  read.info = info_;
  read.snapshot = created.snapshot;
  read.qualified_table = PostgresDialect().QualifiedName(options_.table);
  read.select = SnapshotSelect(request, created.consistent_point, columns.schema);
  read.what = what_;
  read.tag = request.tag;
  read.schema = std::make_shared<const Schema>(HistorySchema(columns.schema));
  read.types = {Builtin(kTextOid),        Builtin(kTextOid), Builtin(kInt8Oid),
                Builtin(kTimestampTzOid), Builtin(kInt8Oid), Builtin(kTimestampTzOid)};
  read.types.insert(read.types.end(), columns.types.begin(), columns.types.end());
  read.parallelism = request.parallelism;
  read.options = options_.parallel;
  CdcSnapshot snapshot;
  snapshot.rows = OpenPgSnapshotReader(read);
  snapshot.checkpoint = {LsnPosition(created.consistent_point), Identity(system, owner.sink)};
  acked_->store(created.consistent_point);
  return snapshot;
}

void PgCdcReader::Gap(const std::string& what_happened) const {
  throw CdcGapError(fmt::format(
      "{}: GAP — {}. The changes after the stored position can no longer be read, so tributary "
      "stops rather than skip them. The history landed so far is intact. To continue, take a "
      "fresh snapshot of the table: `tributary backfill --tables <table>` (see docs/cdc.md, "
      "\"Gaps\")",
      what_, what_happened));
}

void PgCdcReader::CheckIdentity(const CdcCheckpoint& from) {
  nlohmann::json stored;
  try {
    stored = nlohmann::json::parse(from.identity);
  } catch (const std::exception&) {
    Gap("the stored capture identity is unreadable");
  }
  PgSystemInfo system = Replication().IdentifySystem();
  std::string id = stored.value("system_identifier", "");
  if (id != system.system_id) {
    Gap(
        fmt::format("the server is not the one capture started on (system identifier {}, stored "
                    "{}): it was restored from a backup, rebuilt or replaced",
                    system.system_id, id));
  }
  std::string slot = stored.value("slot", "");
  if (!options_.slot.empty() && slot != options_.slot) {
    Gap(fmt::format("capture used replication slot '{}', the config now names '{}'", slot,
                    options_.slot));
  }
  slot_ = slot.empty() ? options_.name : slot;
}

void PgCdcReader::CheckSlot(PgLsn from) {
  PgSlotFacts slot = ReadIdleSlot(*sql_, slot_);
  if (!slot.exists) {
    Gap(
        fmt::format("replication slot '{}' does not exist (dropped by someone, or lost in a "
                    "failover or restore)",
                    slot_));
  }
  if (slot.wal_status == "lost") {
    Gap(
        fmt::format("replication slot '{}' was invalidated: the server removed WAL it still "
                    "needed (max_slot_wal_keep_size)",
                    slot_));
  }
  if (slot.plugin != "pgoutput" || slot.database != info_.database) {
    Gap(fmt::format("replication slot '{}' now belongs to something else (plugin {}, database {})",
                    slot_, slot.plugin, slot.database));
  }
  if (slot.confirmed_flush_lsn > from) {
    Gap(
        fmt::format("replication slot '{}' was advanced to {}, past the stored position {} "
                    "(another sink took the slot over, another consumer read it, or the sink was "
                    "restored from an older copy; if another sink now owns it, give this one its "
                    "own slot — drop the cdc key `slot` — before the backfill)",
                    slot_, FormatLsn(slot.confirmed_flush_lsn), FormatLsn(from)));
  }
  if (slot.active_pid) {
    throw SourceError(fmt::format(
        "{}: replication slot '{}' is in use by server process {} (another run of this table, "
        "or another consumer); try again when it is free",
        what_, slot_, *slot.active_pid));
  }
}

void PgCdcReader::CheckResume(const CdcCheckpoint& from) {
  auto position = ParseLsn(from.position);
  if (!position) Gap(fmt::format("the stored position '{}' is not an LSN", from.position));
  CheckIdentity(from);
  PgPublicationFacts pub = ReadPgPublication(*sql_, options_.publication, options_.table);
  if (!pub.exists || !pub.has_table) {
    Gap(fmt::format(
        "publication '{}' {}; changes made while the table was not published were "
        "never decoded",
        options_.publication, pub.exists ? "no longer includes the table" : "no longer exists"));
  }
  EnsurePgPublication(*sql_, options_.publication, options_.table, false, what_);
  CheckSlot(*position);
}

std::string PgCdcReader::Bound() {
  // With synchronous_commit off, a commit reaches disk a moment after it
  // returns; wait briefly so it is part of this run.
  PgResult insert = sql_->Exec("/* tributary */ SELECT pg_catalog.pg_current_wal_insert_lsn()");
  PgLsn target = ParseLsn(PQgetvalue(insert.get(), 0, 0)).value_or(0);
  PgLsn flushed = 0;
  for (int i = 0; i < 100; ++i) {
    PgResult r = sql_->Exec("/* tributary */ SELECT pg_catalog.pg_current_wal_flush_lsn()");
    flushed = ParseLsn(PQgetvalue(r.get(), 0, 0)).value_or(0);
    if (flushed >= target) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return LsnPosition(std::max(flushed, acked_->load()));
}

std::unique_ptr<ChangeStream> PgCdcReader::ReadChanges(const CdcStreamRequest& request) {
  PgLsn from = ParseLsn(request.from.position).value_or(0);
  if (slot_.empty()) slot_ = StoredSlot(request.from);
  if (slot_.empty()) slot_ = options_.name;
  PgLsn bound = std::max(from, ParseLsn(request.bound).value_or(0));
  auto decoder = std::make_unique<PgChangeDecoder>(options_.table, request.columns, *resolver_,
                                                   what_, request.ingested_at);
  std::string publications = SqlString(PostgresDialect().QuoteIdentifier(options_.publication));
  std::string command = fmt::format(
      "START_REPLICATION SLOT {} LOGICAL {} (proto_version '1', publication_names {}, binary "
      "'true')",
      PostgresDialect().QuoteIdentifier(slot_), FormatLsn(from), publications);
  for (int attempt = 0;; ++attempt) {
    try {
      Replication().StartStream(command);
      break;
    } catch (const SourceError& e) {
      if (!SlotBusy(e) || attempt >= 100) throw;
      repl_.reset();  // the previous stream's server process has not exited yet
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  acked_->store(from);
  PgStreamOptions stream{from, bound, options_.status_interval};
  auto changes = std::make_unique<PgChangeStream>(repl_, std::move(decoder), acked_, stream, what_);
  streaming_ = repl_;
  repl_.reset();  // a connection streams once
  return changes;
}

void PgCdcReader::Acknowledge(const std::string& position) {
  auto lsn = ParseLsn(position);
  if (!lsn) throw Error(fmt::format("{}: cannot acknowledge position '{}'", what_, position));
  acked_->store(*lsn);
  if (auto conn = streaming_.lock()) conn->SendStatus(*lsn, false);
}

CdcStatus PgCdcReader::Status(const CdcOwner& owner) {
  CdcStatus status;
  std::string slot_name = SlotOf(owner);
  status.stream = "slot " + slot_name;
  PgResult head = sql_->Exec("/* tributary */ SELECT pg_catalog.pg_current_wal_lsn()");
  PgLsn now = ParseLsn(PQgetvalue(head.get(), 0, 0)).value_or(0);
  status.head = FormatLsn(now);
  PgSlotFacts slot = ReadPgSlot(*sql_, slot_name);
  if (!slot.exists) {
    status.state = owner.stored || owner.sink.empty() ? "missing" : "not started";
    if (owner.stored) status.problem = "the replication slot does not exist";
    return status;
  }
  status.state = slot.wal_status == "lost" ? "lost" : (slot.active_pid ? "active" : "idle");
  status.acknowledged = FormatLsn(slot.confirmed_flush_lsn);
  status.lag_bytes = static_cast<int64_t>(now - std::min(now, slot.confirmed_flush_lsn));
  if (slot.restart_lsn != 0) {
    status.retained_bytes = static_cast<int64_t>(now - std::min(now, slot.restart_lsn));
  }
  JudgeSlot(owner, slot_name, slot, status);
  return status;
}

// Sets status.problem when the owner cannot go on with the slot.
void PgCdcReader::JudgeSlot(const CdcOwner& owner, const std::string& name, const PgSlotFacts& slot,
                            CdcStatus& status) const {
  if (slot.plugin != "pgoutput" || slot.database != info_.database) {
    status.state = "foreign";
    status.problem = fmt::format("the slot belongs to something else (plugin {}, database {})",
                                 slot.plugin, slot.database);
  } else if (slot.wal_status == "lost") {
    status.problem = "the slot was invalidated: the server removed WAL it still needed";
  } else if (owner.stored) {
    auto position = ParseLsn(owner.stored->position);
    if (position && slot.confirmed_flush_lsn > *position) {
      status.state = "taken";
      status.problem = fmt::format(
          "the slot was read to {}, past the stored position {}: another sink took it over "
          "or another consumer read it",
          FormatLsn(slot.confirmed_flush_lsn), FormatLsn(*position));
    }
  } else if (!owner.sink.empty() && !Owns(owner, name, slot)) {
    status.state = "foreign";
    status.problem =
        "the slot exists and is not this sink's capture: a first run refuses it (see "
        "`tributary backfill --help`, --take-over)";
  }
}

std::string OwnedPgSlotName(const std::string& name, const std::string& sink) {
  std::string base = name.size() <= 54 ? name : name.substr(0, 45) + "_" + Fnv8(name);
  return base + "_" + Fnv8(sink);
}

std::string DefaultPgCdcName(const std::string& project, const std::string& task) {
  std::string name = "tributary_" + project + "_" + task;
  for (char& c : name) {
    c = std::isalnum(static_cast<unsigned char>(c))
            ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
            : '_';
  }
  if (name.size() <= 63) return name;
  return name.substr(0, 54) + "_" + Fnv8(name);
}

}  // namespace tributary
