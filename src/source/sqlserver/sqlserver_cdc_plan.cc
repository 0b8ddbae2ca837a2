#include "source/sqlserver/sqlserver_cdc_plan.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "source/sqlserver/sqlserver_cdc_prerequisites.h"

namespace tributary {
namespace {

constexpr const char* kPositionFormat = "sqlserver-cdc/1";
using Instance = SqlServerCaptureInstance;

std::string Label(const TableRef& t) {
  return t.schema.empty() ? t.table : t.schema + "." + t.table;
}

std::string Backfill(const TableRef& t) {
  return fmt::format("re-snapshot the table with `tributary backfill --tables {}`", Label(t));
}

const Instance* Find(const SqlServerCdcFacts& facts, const std::string& name) {
  for (const auto& i : facts.instances) {
    if (i.name == name) return &i;
  }
  return nullptr;
}

// The newest established instance started after `current` (any, if null).
const Instance* Successor(const SqlServerCdcFacts& facts, const Instance* current) {
  const Instance* best = nullptr;
  for (const auto& i : facts.instances) {
    if (&i == current || !i.start_lsn) continue;
    if (current != nullptr && current->start_lsn && *i.start_lsn <= *current->start_lsn) continue;
    if (best == nullptr || *i.start_lsn > *best->start_lsn) best = &i;
  }
  return best;
}

void CheckReadable(const Instance& i, const TableRef& t, const std::string& where) {
  if (!i.min_lsn.IsZero()) return;
  throw SourceError(fmt::format(
      "{}: table '{}': sys.fn_cdc_get_min_lsn('{}') returned 0x00000000000000000000: the capture "
      "instance is gone or the user may not read it; grant SELECT on the table's captured "
      "columns and membership in the capture instance's gating role (or db_owner)",
      where, Label(t), i.name));
}

void CheckNoGap(const SqlServerLsn& from, const Instance& i, const SqlServerCdcPosition& stored,
                const TableRef& t, const std::string& where, const std::string& why) {
  if (from >= i.min_lsn) return;
  throw SqlServerCdcGapError(fmt::format(
      "{}: table '{}': GAP — change data capture lost changes: tributary has landed them up to LSN "
      "{} "
      "(capture instance '{}') but capture instance '{}' now starts at {}{}; changes in between "
      "may be lost. {}, then keep CDC retention longer than the longest pause between runs "
      "(EXEC sys.sp_cdc_change_job @job_type = N'cleanup', @retention = <minutes>)",
      where, Label(t), stored.lsn.ToString(), stored.capture_instance, i.name, i.min_lsn.ToString(),
      why, Backfill(t)));
}

SqlServerCdcPlan NotReady(std::string note) {
  SqlServerCdcPlan plan;
  plan.action = SqlServerCdcAction::kNotReady;
  plan.note = std::move(note);
  return plan;
}

SqlServerCdcPlan InitialLoad(const SqlServerCdcFacts& facts, const TableRef& t,
                             const std::string& where) {
  const Instance* target = Successor(facts, nullptr);
  if (target == nullptr) {
    return NotReady(fmt::format(
        "capture instance '{}' has no start LSN yet: the capture job has not processed it since "
        "sys.sp_cdc_enable_table; check that SQL Server Agent and the capture job run",
        facts.instances.front().name));
  }
  CheckReadable(*target, t, where);
  if (!facts.max_lsn || *facts.max_lsn < *target->start_lsn) {
    return NotReady(fmt::format(
        "the capture job has not yet caught up with capture instance '{}' (starts at {}); the "
        "initial load waits for it",
        target->name, target->start_lsn->ToString()));
  }
  SqlServerCdcPlan plan;
  plan.action = SqlServerCdcAction::kInitialLoad;
  plan.next = {target->name, *facts.max_lsn};
  plan.note = fmt::format("initial load: snapshot of {} bounded by LSN {} (capture instance '{}')",
                          Label(t), facts.max_lsn->ToString(), target->name);
  return plan;
}

void CheckNotRewound(const SqlServerCdcFacts& facts, const TableRef& t, const std::string& where) {
  if (facts.max_lsn && *facts.max_lsn >= facts.stored->lsn) return;
  throw SourceError(fmt::format(
      "{}: table '{}': the stored position {} is ahead of the newest LSN the database has "
      "captured ({}): the database was restored or replaced, or CDC was disabled and enabled "
      "again; {}",
      where, Label(t), facts.stored->lsn.ToString(),
      facts.max_lsn ? facts.max_lsn->ToString() : std::string("none"), Backfill(t)));
}

// Reads `current` below the newer instance's handover point and `next` from
// it. The handover is next's start, or its minimum if cleanup already moved
// that up: `current` still holds every change from `from` on.
void AddSegments(const Instance* current, const Instance* next, const SqlServerLsn& from,
                 const SqlServerLsn& max, SqlServerCdcPlan& plan) {
  if (current == nullptr) {
    plan.segments.push_back({next->name, from, max, std::nullopt});
    plan.next.capture_instance = next->name;
    return;
  }
  std::optional<SqlServerLsn> handover;
  if (next != nullptr) handover = std::max(*next->start_lsn, next->min_lsn);
  if (!handover || from < *handover) plan.segments.push_back({current->name, from, max, handover});
  if (handover && max >= *handover) {
    plan.segments.push_back({next->name, std::max(from, *handover), max, std::nullopt});
    plan.next.capture_instance = next->name;
  }
}

SqlServerCdcPlan Window(const SqlServerCdcFacts& facts, const TableRef& t,
                        const std::string& where) {
  const SqlServerCdcPosition& stored = *facts.stored;
  CheckNotRewound(facts, t, where);
  const SqlServerLsn max = *facts.max_lsn;
  const SqlServerLsn from = facts.next_after_stored.value_or(stored.lsn.Next());
  const Instance* current = Find(facts, stored.capture_instance);
  const Instance* next = Successor(facts, current);
  if (current == nullptr && next == nullptr) {
    throw SourceError(fmt::format(
        "{}: table '{}': capture instance '{}' no longer exists and the table has no other: "
        "change data capture was disabled on it. Enable it again (sys.sp_cdc_enable_table), then "
        "{}",
        where, Label(t), stored.capture_instance, Backfill(t)));
  }
  // Whatever is read must hold every change after the stored position.
  const Instance& reader = current != nullptr ? *current : *next;
  CheckReadable(reader, t, where);
  CheckNoGap(from, reader, stored, t, where,
             current != nullptr ? " after cleanup"
                                : fmt::format(" and '{}' was dropped", stored.capture_instance));
  if (next != nullptr) CheckReadable(*next, t, where);
  SqlServerCdcPlan plan;
  plan.next = {reader.name, stored.lsn};
  if (from > max) {
    plan.action = SqlServerCdcAction::kEmptyWindow;
    plan.note = fmt::format("no change captured after LSN {}", stored.lsn.ToString());
    return plan;
  }
  plan.action = SqlServerCdcAction::kReadWindow;
  plan.next.lsn = max;
  AddSegments(current, next, from, max, plan);
  plan.note = fmt::format(
      "changes after LSN {} up to {}{}", stored.lsn.ToString(), max.ToString(),
      plan.next.capture_instance != stored.capture_instance
          ? fmt::format(", switching to capture instance '{}'", plan.next.capture_instance)
          : std::string());
  return plan;
}

}  // namespace

std::string SqlServerCdcPosition::Serialize() const {
  nlohmann::json j = {
      {"format", kPositionFormat}, {"capture_instance", capture_instance}, {"lsn", lsn.ToString()}};
  return j.dump();
}

SqlServerCdcPosition SqlServerCdcPosition::Parse(std::string_view text) {
  auto fail = [&](const std::string& why) {
    return Error(fmt::format("stored SQL Server CDC position '{}' is invalid: {}", text, why));
  };
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || j.value("format", "") != kPositionFormat) {
    throw fail(std::string("expected a JSON object with \"format\": \"") + kPositionFormat + "\"");
  }
  auto lsn = SqlServerLsn::Parse(j.value("lsn", ""));
  std::string instance = j.value("capture_instance", "");
  if (!lsn || instance.empty()) throw fail("it needs a capture_instance and a 10-byte lsn");
  return {instance, *lsn};
}

SqlServerCdcPlan PlanSqlServerCdc(const SqlServerCdcFacts& facts, const TableRef& table,
                                  const std::string& where) {
  if (facts.instances.empty()) {
    throw SourceError(fmt::format(
        "{}: table '{}' has no change data capture instance: enable CDC on it with `{}`", where,
        Label(table), SqlServerCdcEnableTableSql(table)));
  }
  return facts.stored ? Window(facts, table, where) : InitialLoad(facts, table, where);
}

std::string SqlServerCdcInstanceAt(const std::vector<SqlServerCaptureInstance>& instances,
                                   const SqlServerLsn& lsn) {
  const Instance* newest = nullptr;
  const Instance* oldest = nullptr;
  const SqlServerLsn from = lsn.Next();
  for (const auto& i : instances) {
    if (!i.start_lsn) continue;
    if (oldest == nullptr || *i.start_lsn < *oldest->start_lsn) oldest = &i;
    if (std::max(*i.start_lsn, i.min_lsn) > from) continue;
    if (newest == nullptr || *i.start_lsn > *newest->start_lsn) newest = &i;
  }
  if (newest != nullptr) return newest->name;
  if (oldest != nullptr) return oldest->name;
  return instances.empty() ? std::string() : instances.front().name;
}

SqlServerCdcOperation SqlServerCdcOperationFromCode(int code) {
  switch (code) {
    case 1:
      return SqlServerCdcOperation::kDelete;
    case 2:
      return SqlServerCdcOperation::kInsert;
    case 3:
      return SqlServerCdcOperation::kUpdateBefore;
    case 4:
      return SqlServerCdcOperation::kUpdateAfter;
    default:
      throw SourceError(fmt::format(
          "unexpected CDC __$operation {} (1 to 4 expected from fn_cdc_get_all_changes)", code));
  }
}

const char* SqlServerCdcOperationName(SqlServerCdcOperation op) {
  switch (op) {
    case SqlServerCdcOperation::kDelete:
      return "delete";
    case SqlServerCdcOperation::kInsert:
      return "insert";
    case SqlServerCdcOperation::kUpdateBefore:
      return "update_before";
    case SqlServerCdcOperation::kUpdateAfter:
      return "update_after";
  }
  return "unknown";
}

}  // namespace tributary
