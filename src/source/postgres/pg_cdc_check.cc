#include "source/postgres/pg_cdc_check.h"

#include <fmt/format.h>

#include "common/error.h"
#include "source/postgres/pg_cdc_catalog.h"
#include "source/postgres/pg_cdc_reader.h"

namespace tributary {
namespace {

std::string Display(const Task& task) {
  return task.source_schema.empty() ? task.source_table
                                    : task.source_schema + "." + task.source_table;
}

SourceFinding Ok(std::string table, std::string check, std::string message) {
  return SourceFinding{std::move(table), std::move(check), CheckStatus::kOk, std::move(message)};
}

SourceFinding Fail(std::string table, std::string check, std::string message) {
  return SourceFinding{std::move(table), std::move(check), CheckStatus::kFail, std::move(message)};
}

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string Text(PgConnection& conn, const std::string& sql, const PgParams& params = {}) {
  PgResult r = conn.Exec("/* tributary */ " + sql, params);
  return PQntuples(r.get()) > 0 && !PQgetisnull(r.get(), 0, 0) ? PQgetvalue(r.get(), 0, 0) : "";
}

SourceFinding WalLevel(PgConnection& conn) {
  try {
    CheckPgLogicalDecoding(conn);
    return Ok("", "wal_level", "wal_level is logical");
  } catch (const SourceError& e) {
    return Fail("", "wal_level", e.what());
  }
}

SourceFinding ReplicationRight(PgConnection& conn) {
  std::string user = Text(conn, "SELECT current_user");
  if (Text(conn,
           "SELECT rolsuper OR rolreplication FROM pg_catalog.pg_roles WHERE rolname = "
           "current_user") == "t") {
    return Ok("", "replication", fmt::format("user {} may replicate", user));
  }
  return Fail("", "replication",
              fmt::format("user {} has neither REPLICATION nor superuser: cdc cannot create or "
                          "read a replication slot; run ALTER ROLE {} REPLICATION",
                          user, PgQuote(user)));
}

// Slots the tasks still need against max_replication_slots.
SourceFinding FreeSlots(PgConnection& conn, const Project& project,
                        const std::vector<Task>& tasks) {
  int max = std::stoi(Text(conn, "SELECT pg_catalog.current_setting('max_replication_slots')"));
  int used = std::stoi(Text(conn, "SELECT count(*) FROM pg_catalog.pg_replication_slots"));
  int needed = 0;
  for (const Task& task : tasks) {
    if (!task.options.slot.empty()) {
      if (!ReadPgSlot(conn, task.options.slot).exists) ++needed;
      continue;
    }
    // Default slots carry the sink's digest (OwnedPgSlotName); any of the
    // table's counts as this project's.
    std::string name = DefaultPgCdcName(project.name, task.sink_table);
    std::string owned = OwnedPgSlotName(name, "");
    if (Text(conn,
             "SELECT count(*) FROM pg_catalog.pg_replication_slots WHERE slot_name = $1 OR "
             "slot_name ~ ('^' || $2 || '_[0-9a-f]{8}$')",
             {name, owned.substr(0, owned.size() - 9)}) == "0") {
      ++needed;
    }
  }
  std::string counts =
      fmt::format("{} of max_replication_slots = {} in use, {} more needed", used, max, needed);
  if (used + needed > max) {
    return Fail("", "replication slots",
                counts +
                    "; raise max_replication_slots (a restart) or drop unused slots "
                    "(SELECT * FROM pg_replication_slots)");
  }
  return Ok("", "replication slots", counts);
}

SourceFinding Publication(PgConnection& conn, const Project& project, const Task& task,
                          const TableRef& ref, const std::string& what) {
  bool manage = task.options.publication.empty();
  std::string name =
      manage ? DefaultPgCdcName(project.name, task.sink_table) : task.options.publication;
  PgPublicationFacts facts = ReadPgPublication(conn, name, ref);
  std::string table = Display(task);
  if (facts.exists && facts.has_table && facts.publishes_all && !facts.filtered) {
    return Ok(table, "publication", fmt::format("publication '{}' publishes the table", name));
  }
  if (!manage || (facts.exists && facts.has_table)) {
    // A named publication is never changed by tributary: the run refuses it.
    try {
      EnsurePgPublication(conn, name, ref, false, what);
    } catch (const SourceError& e) {
      return Fail(table, "publication", e.what());
    }
  }
  std::string owner = Text(conn,
                           "SELECT pg_catalog.pg_has_role(current_user, c.relowner, 'USAGE') FROM "
                           "pg_catalog.pg_class c WHERE c.oid = pg_catalog.to_regclass($1)",
                           {PgQuote(ref.schema) + "." + PgQuote(ref.table)});
  bool create = facts.exists || Text(conn,
                                     "SELECT pg_catalog.has_database_privilege("
                                     "pg_catalog.current_database(), 'CREATE')") == "t";
  if (owner == "t" && create) {
    return Ok(table, "publication",
              fmt::format("publication '{}' will be {} by the first run", name,
                          facts.exists ? "given the table" : "created"));
  }
  return Fail(table, "publication",
              fmt::format("publication '{}' {} and this user cannot {} it: that needs ownership "
                          "of the table{}; or create it as the owner: CREATE PUBLICATION {} FOR "
                          "TABLE {}.{}",
                          name, facts.exists ? "lacks the table" : "does not exist",
                          facts.exists ? "alter" : "create",
                          facts.exists ? "" : " and CREATE on the database", PgQuote(name),
                          PgQuote(ref.schema), PgQuote(ref.table)));
}

void CheckTable(PgConnection& conn, const Project& project, const Task& task,
                std::vector<SourceFinding>& out) {
  TableRef ref{task.source_schema.empty() ? "public" : task.source_schema, task.source_table};
  std::string what = fmt::format("{} table '{}'", conn.describe(), Display(task));
  try {
    PgCdcTableFacts facts = ReadPgCdcTable(conn, ref, what);
    CheckPgCdcTable(facts, ref, what);
    std::string how = facts.replica_identity == 'f' ? "REPLICA IDENTITY FULL"
                      : facts.out_of_line.empty()
                          ? "the key identifies rows and no column is stored out of line"
                          : "the key identifies rows; unchanged large values of " +
                                Join(facts.out_of_line) +
                                " are filled from what tributary landed for the key";
    out.push_back(Ok(Display(task), "replica identity", how));
  } catch (const SourceError& e) {
    out.push_back(Fail(Display(task), "replica identity", e.what()));
    return;
  }
  out.push_back(Publication(conn, project, task, ref, what));
}

}  // namespace

std::vector<SourceFinding> CheckPgChangeCapture(PgConnection& conn, const Project& project,
                                                const std::vector<Task>& tasks) {
  std::vector<SourceFinding> out;
  out.push_back(WalLevel(conn));
  out.push_back(ReplicationRight(conn));
  out.push_back(FreeSlots(conn, project, tasks));
  for (const Task& task : tasks) CheckTable(conn, project, task, out);
  return out;
}

}  // namespace tributary
