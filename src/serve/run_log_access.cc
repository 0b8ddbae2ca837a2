#include "serve/run_log_access.h"

#include "engine/connectors.h"

namespace tributary {

void OpenPerReadAccess::With(const std::function<void(RunLog&)>& read) {
  std::lock_guard lock(mutex_);
  auto sink = OpenSinkForReading(project_);
  read(sink->run_log());
}

std::vector<TaskHistory> OpenPerReadAccess::BusyHistory(std::string* note) {
  std::lock_guard lock(mutex_);
  return ReadStatusHistory(project_, note, /*wait=*/false);
}

}  // namespace tributary
