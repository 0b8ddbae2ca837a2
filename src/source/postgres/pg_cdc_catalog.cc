#include "source/postgres/pg_cdc_catalog.h"

#include <fmt/format.h>

#include "common/error.h"
#include "common/log.h"

namespace tributary {
namespace {

constexpr int kMinServerVersion = 140000;  // pgoutput binary mode, TID range scans

std::string Quote(std::string_view name) {
  std::string quoted = "\"";
  for (char c : name) {
    quoted += c;
    if (c == '"') quoted += '"';
  }
  return quoted + "\"";
}

std::string Qualified(const TableRef& t) {
  return t.schema.empty() ? Quote(t.table) : Quote(t.schema) + "." + Quote(t.table);
}

std::string Display(const TableRef& t) {
  return t.schema.empty() ? t.table : t.schema + "." + t.table;
}

std::vector<std::string> Values(const PgResult& r, int column) {
  std::vector<std::string> values;
  for (int row = 0; row < PQntuples(r.get()); ++row)
    values.emplace_back(PQgetvalue(r.get(), row, column));
  return values;
}

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

void CheckPgLogicalDecoding(PgConnection& conn) {
  if (conn.server_version() < kMinServerVersion) {
    throw SourceError(fmt::format(
        "{}: CDC needs PostgreSQL 14 or later (binary logical replication); this server is {}",
        conn.describe(), conn.server_version()));
  }
  PgResult level = conn.Exec("/* tributary */ SELECT pg_catalog.current_setting('wal_level')");
  std::string value = PQgetvalue(level.get(), 0, 0);
  if (value != "logical") {
    throw SourceError(fmt::format(
        "{}: wal_level is '{}', CDC needs 'logical'; run ALTER SYSTEM SET wal_level = logical "
        "(and check max_replication_slots and max_wal_senders leave room), then restart the server",
        conn.describe(), value));
  }
}

PgCdcTableFacts ReadPgCdcTable(PgConnection& conn, const TableRef& table, const std::string& what) {
  PgResult rel = conn.Exec(
      "/* tributary */ SELECT c.oid, c.relkind, c.relreplident, "
      "pg_catalog.has_table_privilege(c.oid, 'SELECT') FROM pg_catalog.pg_class c "
      "WHERE c.oid = pg_catalog.to_regclass($1)",
      {Qualified(table)});
  if (PQntuples(rel.get()) != 1) {
    throw SourceError(fmt::format(
        "{}: the table does not exist or this user cannot see it; check the schema and table "
        "names in the ingest file (they are case-sensitive)",
        what));
  }
  PgCdcTableFacts facts;
  facts.oid = static_cast<uint32_t>(std::stoul(PQgetvalue(rel.get(), 0, 0)));
  facts.relkind = PQgetvalue(rel.get(), 0, 1)[0];
  facts.replica_identity = PQgetvalue(rel.get(), 0, 2)[0];
  facts.can_select = PQgetvalue(rel.get(), 0, 3)[0] == 't';
  std::string oid = std::to_string(facts.oid);
  facts.primary_key =
      Values(conn.Exec("/* tributary */ SELECT a.attname FROM pg_catalog.pg_index i "
                       "JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid "
                       "AND a.attnum = ANY (i.indkey) WHERE i.indrelid = $1 AND i.indisprimary "
                       "ORDER BY array_position(i.indkey, a.attnum)",
                       {oid}),
             0);
  PgResult out_of_line = conn.Exec(
      "/* tributary */ SELECT a.attname, t.typcategory = 'S' OR t.typname IN ('json', 'jsonb') "
      "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid WHERE "
      "a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped AND a.attstorage IN ('x', 'e') "
      "ORDER BY a.attnum",
      {oid});
  for (int row = 0; row < PQntuples(out_of_line.get()); ++row) {
    facts.out_of_line.emplace_back(PQgetvalue(out_of_line.get(), row, 0));
    if (PQgetvalue(out_of_line.get(), row, 1)[0] != 't') {
      facts.out_of_line_other.emplace_back(PQgetvalue(out_of_line.get(), row, 0));
    }
  }
  return facts;
}

void CheckPgCdcTable(const PgCdcTableFacts& facts, const TableRef& table, const std::string& what) {
  std::string name = Qualified(table);
  if (facts.relkind != 'r') {
    throw SourceError(fmt::format(
        "{}: CDC captures plain tables; this is a {} (relkind '{}'): capture its partitions or "
        "load it with another strategy",
        what, facts.relkind == 'p' ? "partitioned table" : "view or other relation",
        facts.relkind));
  }
  if (!facts.can_select) {
    throw SourceError(
        fmt::format("{}: this user cannot read the table: GRANT SELECT ON {} TO …", what, name));
  }
  bool identity = facts.replica_identity == 'f' || facts.replica_identity == 'i' ||
                  (facts.replica_identity == 'd' && !facts.primary_key.empty());
  if (!identity) {
    throw SourceError(fmt::format(
        "{}: the table has no replica identity (no primary key, or REPLICA IDENTITY NOTHING). "
        "Once in a publication, every UPDATE and DELETE on it would FAIL at the source. Add a "
        "primary key, or run ALTER TABLE {} REPLICA IDENTITY FULL",
        what, name));
  }
  // Without FULL, tributary fills an unsent unchanged value from what it
  // landed for the row's primary key: text and json only.
  bool fillable = !facts.primary_key.empty() && facts.out_of_line_other.empty();
  if (facts.replica_identity != 'f' && !facts.out_of_line.empty() && !fillable) {
    throw SourceError(fmt::format(
        "{}: columns {} can hold large values stored out of line (TOAST); an UPDATE that leaves "
        "such a value unchanged does not send it, and tributary never records it as NULL. It "
        "fills such values from what it landed for the row's primary key, but {}. Run "
        "ALTER TABLE {} REPLICA IDENTITY FULL so updates carry the whole old row (more WAL per "
        "update and delete; see docs/cdc.md)",
        what, Join(facts.out_of_line),
        facts.primary_key.empty()
            ? "the table has no primary key"
            : "only for text and json columns, and " + Join(facts.out_of_line_other) + " are not",
        name));
  }
}

PgPublicationFacts ReadPgPublication(PgConnection& conn, const std::string& publication,
                                     const TableRef& table) {
  PgPublicationFacts facts;
  PgResult pub = conn.Exec(
      "/* tributary */ SELECT pubinsert AND pubupdate AND pubdelete AND pubtruncate "
      "FROM pg_catalog.pg_publication WHERE pubname = $1",
      {publication});
  if (PQntuples(pub.get()) == 0) return facts;
  facts.exists = true;
  facts.publishes_all = PQgetvalue(pub.get(), 0, 0)[0] == 't';
  std::string filter = conn.server_version() >= 150000
                           ? "rowfilter IS NOT NULL OR cardinality(attnames) <> (SELECT count(*) "
                             "FROM pg_catalog.pg_attribute WHERE attrelid = $4::regclass AND "
                             "attnum > 0 AND NOT attisdropped AND attgenerated = '')"
                           : "false AND $4::text IS NOT NULL";
  PgResult t = conn.Exec("/* tributary */ SELECT " + filter +
                             " FROM pg_catalog.pg_publication_tables WHERE pubname = $1 AND "
                             "schemaname = $2 AND tablename = $3",
                         {publication, table.schema, table.table, Qualified(table)});
  facts.has_table = PQntuples(t.get()) == 1;
  facts.filtered = facts.has_table && PQgetvalue(t.get(), 0, 0)[0] == 't';
  return facts;
}

void EnsurePgPublication(PgConnection& conn, const std::string& publication, const TableRef& table,
                         bool manage, const std::string& what) {
  PgPublicationFacts facts = ReadPgPublication(conn, publication, table);
  std::string hint = fmt::format(
      "creating a publication or adding a table needs ownership of the table (or create it as "
      "its owner: CREATE PUBLICATION {} FOR TABLE {})",
      Quote(publication), Qualified(table));
  if (manage && !facts.exists) {
    Log(LogLevel::kInfo, "creating publication",
        {{"publication", publication}, {"table", Display(table)}});
    try {
      conn.Exec("/* tributary */ CREATE PUBLICATION " + Quote(publication) + " FOR TABLE " +
                Qualified(table));
    } catch (const SourceError& e) {
      throw SourceError(std::string(e.what()) + "; " + hint);
    }
    return;
  }
  if (!facts.exists) {
    throw SourceError(fmt::format("{}: publication '{}' (named in the config) does not exist; {}",
                                  what, publication, hint));
  }
  if (!facts.has_table) {
    if (!manage) {
      throw SourceError(fmt::format(
          "{}: publication '{}' does not publish the table; run ALTER PUBLICATION {} ADD TABLE {}",
          what, publication, Quote(publication), Qualified(table)));
    }
    conn.Exec("/* tributary */ ALTER PUBLICATION " + Quote(publication) + " ADD TABLE " +
              Qualified(table));
    return;
  }
  if (!facts.publishes_all || facts.filtered) {
    throw SourceError(fmt::format(
        "{}: publication '{}' leaves out some changes of the table (not every operation "
        "published, or a row filter or column list): the history would be incomplete; publish "
        "all of insert, update, delete and truncate, without filter",
        what, publication));
  }
}

PgSlotFacts ReadPgSlot(PgConnection& conn, const std::string& slot) {
  PgResult r = conn.Exec(
      "/* tributary */ SELECT plugin, database, coalesce(wal_status, ''), "
      "coalesce(restart_lsn::text, '0/0'), coalesce(confirmed_flush_lsn::text, '0/0'), "
      "active_pid FROM pg_catalog.pg_replication_slots WHERE slot_name = $1",
      {slot});
  PgSlotFacts facts;
  if (PQntuples(r.get()) == 0) return facts;
  facts.exists = true;
  facts.plugin = PQgetvalue(r.get(), 0, 0);
  facts.database = PQgetvalue(r.get(), 0, 1);
  facts.wal_status = PQgetvalue(r.get(), 0, 2);
  facts.restart_lsn = ParseLsn(PQgetvalue(r.get(), 0, 3)).value_or(0);
  facts.confirmed_flush_lsn = ParseLsn(PQgetvalue(r.get(), 0, 4)).value_or(0);
  if (!PQgetisnull(r.get(), 0, 5)) facts.active_pid = std::stoll(PQgetvalue(r.get(), 0, 5));
  return facts;
}

}  // namespace tributary
