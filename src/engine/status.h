// Freshness of each table: when it last loaded, and whether it is overdue
// for its frequency.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "config/project.h"
#include "sink/sink.h"

namespace tributary {

enum class Health {
  kOk,       // loaded since the frequency's latest scheduled time
  kDue,      // the latest scheduled load has not succeeded yet (it may be running)
  kOverdue,  // a whole scheduled cycle passed without a successful load
  kFailing,  // the last attempt failed
  kNever,    // never loaded
};

const char* HealthName(Health health);

struct TableStatus {
  const Task* task = nullptr;
  std::optional<TaskResult> last_success;
  std::optional<TaskResult> last_attempt;
  Health health = Health::kNever;
  std::optional<TimePoint> expected_since;  // the scheduled time the table should have loaded by
  std::vector<SchemaChangeRecord> schema_changes;  // recent ones, newest first
  bool shape_changed = false;                      // by its last successful load
};

// One schema change in a line of text: "id widened integer -> bigint",
// "extra added (text)", "name dropped (was text)", "gone kept as NULL (was
// integer)", "id type changed text -> bigint".
std::string DescribeSchemaChange(const SchemaChangeRecord& change);

// Pairs each task with its history and judges its health against its
// frequency's schedule at `now`. Tasks keep their order. Frequencies whose
// schedule cannot be computed count as kOk/kFailing on history alone.
std::vector<TableStatus> ComputeStatus(const Project& project, const std::vector<Task>& tasks,
                                       const std::vector<TaskHistory>& history, TimePoint now);

}  // namespace tributary
