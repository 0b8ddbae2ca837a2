#include "sink/run_log.h"

#include <map>

namespace tributary {

void AttachSchemaChanges(std::vector<TaskHistory>& history,
                         const std::vector<SchemaChangeRecord>& changes) {
  std::map<std::string, TaskHistory*> by_task;
  for (TaskHistory& h : history) by_task[h.task_id] = &h;
  for (const SchemaChangeRecord& c : changes) {
    auto it = by_task.find(c.task_id);
    if (it == by_task.end()) continue;
    auto& mine = it->second->schema_changes;
    if (static_cast<int>(mine.size()) < kHistorySchemaChanges) mine.push_back(c);
  }
}

}  // namespace tributary
