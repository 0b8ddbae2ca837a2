#include "source/sqlserver/sqlserver_cdc_reader.h"

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/log.h"
#include "source/sqlserver/sqlserver_cdc_changes.h"
#include "source/sqlserver/sqlserver_cdc_sql.h"
#include "source/sqlserver/sqlserver_connector.h"
#include "source/sqlserver/sqlserver_settings.h"
#include "source/sqlserver/sqlserver_source.h"
#include "source/sqlserver/sqlserver_types.h"

namespace tributary {
namespace {

constexpr const char* kIdentityFormat = "sqlserver-cdc/1";

std::string Label(const TableRef& t) {
  return t.schema.empty() ? t.table : t.schema + "." + t.table;
}

std::vector<std::string> Names(const Schema& schema) {
  std::vector<std::string> names;
  for (const Field& f : schema.fields) names.push_back(f.name);
  return names;
}

[[noreturn]] void Gap(const std::string& what, const std::string& what_happened) {
  throw CdcGapError(fmt::format(
      "{}: GAP — {}. tributary stops rather than skip changes; the history landed so far is "
      "intact. To continue, take a fresh snapshot: `tributary backfill --tables <table>`",
      what, what_happened));
}

SqlServerLsn ParsePosition(const std::string& what, const std::string& position) {
  auto lsn = SqlServerLsn::Parse(position);
  if (!lsn || position.size() != 22) {
    Gap(what, fmt::format("the stored position '{}' is not a SQL Server LSN", position));
  }
  return *lsn;
}

// The permission the facts query needs, appended to its failure.
std::string FactsHint() {
  return "reading a table's capture instances needs db_owner, or SELECT on cdc.change_tables "
         "and on the captured columns plus membership in the capture instance's gating role "
         "(GRANT SELECT ON cdc.change_tables TO <user>)";
}

}  // namespace

SqlServerCdcReader::SqlServerCdcReader(SqlServerQuery query, std::string where, TableRef table,
                                       std::string time_zone)
    : query_(query),
      where_(where),
      table_(table),
      what_(fmt::format("{} table {}", where, Label(table))),
      time_zone_(std::move(time_zone)),
      session_(std::move(query), std::move(where), std::move(table)) {}

CdcTableInfo SqlServerCdcReader::DescribeTable() {
  CdcTableInfo info;
  {
    auto catalog = query_(SqlServerDescribeTableSql(table_));
    info.columns = ReadSqlServerSchema(*catalog, table_, where_);
  }
  for (const Field& f : info.columns.fields) {
    if (!IsCdcMetadataColumn(f.name)) continue;
    throw SourceError(fmt::format(
        "{}: column '{}' has the name of a change-history metadata column; rename it at the "
        "source to capture the table",
        what_, f.name));
  }
  info.key = session_.PrimaryKey();
  return info;
}

void SqlServerCdcReader::CheckPrerequisites() {
  for (const std::string& warning : session_.CheckPrerequisites()) {
    Log(LogLevel::kWarn, warning, {{"source", what_}});
  }
  SqlServerCdcFacts facts;
  try {
    facts = session_.ReadFacts(std::nullopt);
  } catch (const SourceError& e) {
    throw SourceError(fmt::format("{}; {}", e.what(), FactsHint()));
  }
  for (const auto& instance : facts.instances) {
    if (!instance.min_lsn.IsZero()) return;
  }
  PlanSqlServerCdc(facts, table_, where_);  // throws: no instance, or none readable
}

std::string SqlServerCdcReader::Identity(const std::string& capture_instance) const {
  nlohmann::ordered_json j;
  j["format"] = kIdentityFormat;
  j["where"] = where_;
  j["table"] = Label(table_);
  j["capture_instance"] = capture_instance;  // at the snapshot; later runs may switch
  return j.dump();
}

CdcSnapshot SqlServerCdcReader::Snapshot(const CdcSnapshotRequest& request) {
  SqlServerCdcPlan plan = PlanFrom(std::nullopt, std::nullopt);
  if (plan.action != SqlServerCdcAction::kInitialLoad) {
    throw SourceError(
        fmt::format("{}: cannot start capture yet: {}; run again later", what_, plan.note));
  }
  Log(LogLevel::kInfo, plan.note, {{"source", what_}});
  std::string position = plan.next.lsn.ToString();
  std::vector<std::string> columns = Names(DescribeTable().columns);
  CdcSnapshot snapshot;
  snapshot.checkpoint = {position, Identity(plan.next.capture_instance)};
  snapshot.rows =
      SqlServerSnapshotRows(session_.ReadSnapshot(columns), position, request.ingested_at);
  // This run stops at the snapshot: changes after it are the next run's.
  plan.action = SqlServerCdcAction::kEmptyWindow;
  plan_ = plan;
  planned_from_ = position;
  return snapshot;
}

void SqlServerCdcReader::CheckResume(const CdcCheckpoint& from) {
  nlohmann::json identity = nlohmann::json::parse(from.identity, nullptr, false);
  if (!identity.is_object() || identity.value("format", "") != kIdentityFormat) {
    Gap(what_,
        "the stored capture identity is not SQL Server CDC's (the table was captured "
        "from another server)");
  }
  ParsePosition(what_, from.position);
  plan_ = PlanFrom(from.position, std::nullopt);  // throws SqlServerCdcGapError on a gap
  planned_from_ = from.position;
  Log(LogLevel::kInfo, plan_->note, {{"source", what_}});
}

std::string SqlServerCdcReader::Bound() {
  if (!plan_) throw Error(what_ + ": Bound() needs CheckResume() or Snapshot() first");
  return plan_->next.lsn.ToString();
}

SqlServerCdcPlan SqlServerCdcReader::PlanFrom(const std::optional<std::string>& position,
                                              const std::optional<std::string>& bound) {
  std::optional<SqlServerLsn> lsn;
  if (position) lsn = ParsePosition(what_, *position);
  SqlServerCdcFacts facts = session_.ReadFacts(lsn);
  if (lsn) facts.stored = SqlServerCdcPosition{SqlServerCdcInstanceAt(facts.instances, *lsn), *lsn};
  if (bound && facts.max_lsn)
    facts.max_lsn = std::min(*facts.max_lsn, ParsePosition(what_, *bound));
  return PlanSqlServerCdc(facts, table_, where_);
}

std::unique_ptr<ChangeStream> SqlServerCdcReader::ReadChanges(const CdcStreamRequest& request) {
  SqlServerCdcPlan plan = plan_ && planned_from_ == request.from.position
                              ? *plan_
                              : PlanFrom(request.from.position, request.bound);
  SqlServerChangeStreamOptions options;
  options.columns = request.columns;
  options.ingested_at = request.ingested_at;
  options.what = what_;
  if (plan.action == SqlServerCdcAction::kReadWindow) options.segments = plan.segments;
  std::map<std::string, std::vector<std::string>> captured;
  for (const auto& segment : options.segments) {
    if (!captured.count(segment.capture_instance)) {
      captured[segment.capture_instance] = session_.CapturedColumns(segment.capture_instance);
    }
  }
  // Commit times are the server's local time: converted on the server with
  // its time zone when known, else with the offset of this moment.
  std::string zone;
  if (!options.segments.empty()) {
    if (std::optional<std::string> known = session_.TimeZone(time_zone_)) {
      zone = *known;
    } else {
      options.utc_offset_minutes = session_.UtcOffsetMinutes();
      Log(LogLevel::kWarn,
          "the server does not tell its time zone: _commit_time uses its UTC offset of now, so "
          "changes committed before a daylight saving switch are an hour off; set time_zone on "
          "the server in tributary.yml",
          {{"table", what_}, {"utc_offset_minutes", options.utc_offset_minutes}});
    }
  }
  auto open = [this, captured, zone](const SqlServerCdcSegment& segment) {
    return session_.ReadChanges(segment, captured.at(segment.capture_instance), zone);
  };
  return std::make_unique<SqlServerChangeStream>(open, std::move(options));
}

void SqlServerCdcReader::Acknowledge(const std::string&) {}

// Capture instances are read, not consumed: any number of sinks may read
// one, so there is no owner to check.
CdcStatus SqlServerCdcReader::Status(const CdcOwner& /*owner*/) {
  SqlServerCdcFacts facts = session_.ReadFacts(std::nullopt);
  CdcStatus status;
  status.head = facts.max_lsn ? facts.max_lsn->ToString() : "";
  status.state = facts.instances.empty() ? "missing" : "active";
  std::string stream;
  for (const auto& i : facts.instances) {
    stream += fmt::format("{}{} (kept from {})", stream.empty() ? "" : ", ", i.name,
                          i.min_lsn.IsZero() ? "unreadable" : i.min_lsn.ToString());
    if (i.min_lsn.IsZero()) status.state = "unreadable";
    if (!i.start_lsn && status.state == "active") status.state = "starting";
  }
  status.stream = "capture instance " + (stream.empty() ? "(none)" : stream);
  if (status.state == "missing") status.problem = "the table has no capture instance";
  if (status.state == "unreadable") status.problem = "a capture instance cannot be read";
  return status;
}

std::unique_ptr<CdcReader> OpenSqlServerCdcReader(const Project& project,
                                                  const ServerConfig& server, const Task& task) {
  auto source = std::make_shared<SqlServerSource>(project, server, task.database);
  SqlServerQuery query = [source](const std::string& sql) { return source->Query(sql); };
  return std::make_unique<SqlServerCdcReader>(query, source->Describe(),
                                              TableRef{task.source_schema, task.source_table},
                                              ReadSqlServerSettings(project, server).time_zone);
}

}  // namespace tributary
