// How the status server reaches the run history without fighting the loads
// for the sink: `tributary serve` opens the sink per read and never waits
// for a file another process holds; the scheduler shares the sink its runs
// have open (cli/schedule_command.cc).
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "config/project.h"
#include "sink/run_log.h"

namespace tributary {

class RunLogAccess {
 public:
  virtual ~RunLogAccess() = default;
  // Calls `read` with the sink's run log. Throws SinkBusyError when the sink
  // is held elsewhere right now, SinkError when it cannot be read.
  virtual void With(const std::function<void(RunLog&)>& read) = 0;
  // The run history while With is busy (a DuckDB file's snapshot); sets
  // `note` to say what is shown. Throws SinkBusyError when there is none.
  virtual std::vector<TaskHistory> BusyHistory(std::string* note) = 0;
};

// `tributary serve`'s access: OpenSinkForReading per call, one call at a
// time, the snapshot beside a busy DuckDB file. `project` outlives it.
class OpenPerReadAccess final : public RunLogAccess {
 public:
  explicit OpenPerReadAccess(const Project& project) : project_(project) {}
  void With(const std::function<void(RunLog&)>& read) override;
  std::vector<TaskHistory> BusyHistory(std::string* note) override;

 private:
  const Project& project_;
  std::mutex mutex_;  // one DuckDB instance of the file in this process at a time
};

}  // namespace tributary
