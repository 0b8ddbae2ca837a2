#include "engine/status.h"

#include <fmt/format.h>

#include <map>

#include "cron/cron.h"

namespace tributary {
namespace {

struct Expectation {
  std::optional<TimePoint> latest;    // last scheduled time at or before now
  std::optional<TimePoint> previous;  // the one before it
};

Expectation Expect(const FrequencyConfig* freq, TimePoint now) {
  if (freq == nullptr) return {};
  try {
    auto schedule = CronSchedule::Parse(freq->cron, freq->timezone);
    Expectation e;
    e.latest = schedule.Previous(now);
    if (e.latest) e.previous = schedule.Previous(*e.latest - std::chrono::microseconds(1));
    return e;
  } catch (const Error&) {
    return {};
  }
}

Health Judge(const TableStatus& s, const Expectation& e) {
  if (!s.last_attempt) return Health::kNever;
  if (!IsSuccess(*s.last_attempt)) return Health::kFailing;
  TimePoint done = s.last_success->ended_at;
  if (!e.latest || done >= *e.latest) return Health::kOk;
  if (!e.previous || done >= *e.previous) return Health::kDue;
  return Health::kOverdue;
}

}  // namespace

const char* HealthName(Health health) {
  switch (health) {
    case Health::kOk:
      return "ok";
    case Health::kDue:
      return "due";
    case Health::kOverdue:
      return "overdue";
    case Health::kFailing:
      return "failing";
    case Health::kNever:
      return "never loaded";
  }
  return "?";
}

std::string DescribeSchemaChange(const SchemaChangeRecord& c) {
  std::string column = c.table == c.task_id ? c.column : c.table + "." + c.column;
  if (c.change == "added") return fmt::format("{} added ({})", column, c.new_type);
  if (c.change == "widened")
    return fmt::format("{} widened {} -> {}", column, c.old_type, c.new_type);
  if (c.change == "type_changed") {
    return fmt::format("{} type changed {} -> {}", column, c.old_type, c.new_type);
  }
  if (c.change == "kept") return fmt::format("{} kept as NULL (was {})", column, c.old_type);
  if (c.change == "dropped") return fmt::format("{} dropped (was {})", column, c.old_type);
  return fmt::format("{} {}", column, c.change);
}

std::vector<TableStatus> ComputeStatus(const Project& project, const std::vector<Task>& tasks,
                                       const std::vector<TaskHistory>& history, TimePoint now) {
  std::map<std::string, const TaskHistory*> by_task;
  for (const auto& h : history) by_task[h.task_id] = &h;
  std::map<std::string, Expectation> expectations;
  std::vector<TableStatus> out;
  for (const auto& task : tasks) {
    TableStatus s;
    s.task = &task;
    if (auto it = by_task.find(task.id()); it != by_task.end()) {
      s.last_success = it->second->last_success;
      s.last_attempt = it->second->last_attempt;
      s.schema_changes = it->second->schema_changes;
      s.shape_changed = ShapeChangedInLastLoad(*it->second);
    }
    auto [it, fresh] = expectations.try_emplace(task.frequency);
    if (fresh) it->second = Expect(project.FindFrequency(task.frequency), now);
    s.health = Judge(s, it->second);
    s.expected_since = it->second.latest;
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace tributary
