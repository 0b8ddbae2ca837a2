// What the status server shows, read from the run history at most once per
// refresh interval however many clients ask, and kept when the sink is busy
// (a load holds it): the page then shows the last read, saying so.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "config/project.h"
#include "serve/run_log_access.h"
#include "sink/run_log.h"

namespace tributary {

// One read of the run history.
struct FeedSnapshot {
  std::vector<TaskHistory> history;
  std::vector<RunRecord> runs;  // newest first
  // The task results of the newest runs (FeedOptions::runs_with_results),
  // by run id: the runs view and each table's recent loads.
  std::map<std::string, std::vector<TaskResult>> results;
  TimePoint read_at;
  std::string note;   // non-empty: what is shown instead of a live read, and why
  std::string error;  // non-empty: the sink could not be read (nothing else is set)
};

struct FeedOptions {
  std::chrono::milliseconds max_age{2000};  // a snapshot younger than this is reused
  int runs = 50;                            // runs kept
  int runs_with_results = 25;               // of which the newest this many with results
};

// Thread-safe. `access` and `clock` outlive the feed.
class StatusFeed {
 public:
  StatusFeed(RunLogAccess& access, const Clock& clock, FeedOptions options);
  // The current snapshot: a fresh read when the last is older than max_age.
  // Never throws: an unreadable sink gives a snapshot with `error` set.
  std::shared_ptr<const FeedSnapshot> Current();

 private:
  std::shared_ptr<const FeedSnapshot> Read();

  RunLogAccess& access_;
  const Clock& clock_;
  const FeedOptions options_;
  std::mutex mutex_;  // one read at a time; the others wait for it and share it
  std::shared_ptr<const FeedSnapshot> last_;       // the last read, maybe an error
  std::shared_ptr<const FeedSnapshot> last_good_;  // the last read without error or note
};

}  // namespace tributary
