#include "support/cdc_test_source.h"

#include <fmt/format.h>

#include <chrono>
#include <thread>

#include "config/project.h"
#include "engine/connectors.h"
#include "source/postgres/pg_cdc_reader.h"
#include "support/pg_cluster.h"

namespace tributary::testing {
namespace {

// A fresh database on the shared throwaway cluster (wal_level=logical),
// captured through the slot and publication a `cdc` task manages.
class PostgresCdcSource final : public CdcTestSource {
 public:
  PostgresCdcSource() : pg_(SharedPgCluster()), database_(pg_.CreateDatabase()) {
    project_.name = database_;  // slots are per cluster: names must not collide
    server_ = pg_.Server("src");
  }
  ~PostgresCdcSource() override {
    DropReplicationSlots(pg_, database_);
    try {
      pg_.Exec("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
    } catch (const std::exception&) {  // a stopped cluster is deleted whole anyway
    }
  }

  void CreateTable(const std::string& table) override {
    Exec("CREATE TABLE " + table + " (id integer PRIMARY KEY, name text); ALTER TABLE " + table +
         " REPLICA IDENTITY FULL");
  }
  void Exec(const std::string& sql) override { pg_.Exec(sql, database_); }
  std::vector<std::string> Values(const std::string& sql) override {
    std::string joined = pg_.Scalar(
        "SELECT coalesce(string_agg(v::text, '\x1f'), '') FROM (" + sql + ") AS q(v)", database_);
    std::vector<std::string> values;
    for (size_t at = 0; !joined.empty();) {
      size_t end = joined.find('\x1f', at);
      values.push_back(joined.substr(at, end - at));
      if (end == std::string::npos) break;
      at = end + 1;
    }
    return values;
  }
  std::unique_ptr<CdcReader> Open(const std::string& table) override {
    return OpenCdcReader(project_, server_, TaskOf(table));
  }
  // Advances the slot to the end of the log, waiting for the server process
  // of a finished reader to let go of it first.
  void ExpireChanges(const std::string& table) override {
    const std::string active =
        "SELECT count(*) FROM pg_replication_slots WHERE active AND slot_name = '" +
        SlotName(table) + "'";
    for (int i = 0; i < 100 && pg_.Scalar(active, database_) != "0"; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    Exec("SELECT pg_replication_slot_advance('" + SlotName(table) + "', pg_current_wal_lsn())");
  }
  bool InclusivePositions() const override { return false; }
  bool ExactSnapshot() const override { return true; }
  // The slot's confirmed_flush_lsn ("1/6A0012D0") in the fixed-width form
  // of positions ("00000001/6A0012D0").
  std::optional<std::string> Acknowledged(const std::string& table) override {
    std::string lsn =
        pg_.Scalar("SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = '" +
                       SlotName(table) + "'",
                   database_);
    size_t slash = lsn.find('/');
    if (slash == std::string::npos) return lsn;
    return fmt::format("{:08X}/{:08X}", std::stoul(lsn.substr(0, slash), nullptr, 16),
                       std::stoul(lsn.substr(slash + 1), nullptr, 16));
  }

 private:
  std::string SlotName(const std::string& table) const {
    return DefaultPgCdcName(project_.name, TaskOf(table).sink_table);
  }
  Task TaskOf(const std::string& table) const {
    Task task;
    task.strategy = "cdc";
    task.server = server_.name;
    task.database = database_;
    task.source_schema = "public";
    task.source_table = table;
    task.frequency = "daily";
    task.sink_table = "src__" + table;
    return task;
  }

  PgCluster& pg_;
  std::string database_;
  Project project_;
  ServerConfig server_;
};

}  // namespace

void DropReplicationSlots(const PgCluster& pg, const std::string& database) {
  const std::string mine =
      "SELECT count(*) FROM pg_replication_slots WHERE database = '" + database + "'";
  try {
    for (int i = 0; i < 100 && pg.Scalar(mine + " AND active") != "0"; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    pg.Exec(
        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE "
        "database = '" +
        database + "' AND NOT active");
  } catch (const std::exception&) {
    // A test that stopped the cluster: nothing to free.
  }
}

std::vector<CdcTestSourceKind> CdcTestSourceKinds() {
  return {
      {"postgresql", [] { return std::make_unique<PostgresCdcSource>(); }},
      {"sqlserver_scripted", MakeScriptedSqlServerCdcSource},
  };
}

}  // namespace tributary::testing
