// A PostgreSQL database in the shared test cluster, captured by `cdc` tasks
// into a DuckDB sink through the runner, with helpers to read the history,
// the stored state and the replication slot.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "source/postgres/pg_cdc_reader.h"
#include "support/cdc_test_source.h"
#include "support/pg_fixture.h"

namespace tributary::testing {

class CdcFixture : public PgFixture {
 protected:
  // Slots are per cluster and the cluster is shared: names must not collide.
  CdcFixture() { project_.name = database_; }
  // The cluster's slots are few (max_replication_slots): free this test's.
  ~CdcFixture() override { DropReplicationSlots(pg_, database_); }

  Task CdcTask(const std::string& table, bool current = false) {
    Task t = MakeTask(table, "cdc");
    t.options.current = current;
    return t;
  }

  // `tributary backfill` of one task: a fresh snapshot.
  TaskResult Backfill(const Task& task, bool take_over = false) {
    auto sink = OpenSink(project_);
    RunOptions options;
    options.limits = limits_;
    options.reload.kind = Reload::Kind::kBackfill;
    options.reload.take_over = take_over;
    RunObserver quiet;
    return RunTasks(project_, {task}, *sink, clock_, options, quiet).results.at(0);
  }

  // Runs one task and returns its result.
  TaskResult RunOne(const Task& task) { return Run({task}).results.at(0); }
  void RunOk(const Task& task) {
    TaskResult r = RunOne(task);
    ASSERT_EQ(r.status, "succeeded") << r.error;
  }

  // The slot the task's stored capture uses ("" before its first commit).
  std::string SlotName(const Task& task) {
    auto state = Bronze("SELECT state FROM _tributary.state WHERE task_id = '" + task.id() + "'");
    if (state.empty()) return "";
    return nlohmann::json::parse(state[0]).at("source").value("slot", "");
  }
  // The slot's confirmed_flush_lsn, or "" when there is no slot.
  std::string SlotConfirmed(const Task& task) {
    return Scalar(
        "SELECT coalesce(max(confirmed_flush_lsn)::text, '') FROM pg_replication_slots "
        "WHERE slot_name = '" +
        SlotName(task) + "'");
  }
  // The stored position of a task, as pg_lsn text ("" when none).
  std::string StoredPosition(const Task& task) {
    auto state = Bronze("SELECT state FROM _tributary.state WHERE task_id = '" + task.id() + "'");
    if (state.empty()) return "";
    return nlohmann::json::parse(state[0]).at("position").get<std::string>();
  }
  // pg_lsn comparison at the server: a < b.
  bool LsnBefore(const std::string& a, const std::string& b) {
    return Scalar("SELECT '" + a + "'::pg_lsn < '" + b + "'::pg_lsn") == "t";
  }
};

}  // namespace tributary::testing
