// The CDC streams' lag and retained log, as `tributary cdc status` reads
// them from each source, probed on a thread of its own so that no request
// of the status server waits for a source (a slow or unreachable server
// only delays the next reading).
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "config/project.h"
#include "engine/connectors.h"

namespace tributary {

struct CdcReading {
  const Task* task = nullptr;
  CdcStatus status;
  std::string error;  // non-empty: the stream could not be read (status is empty)
  TimePoint checked_at;
};

class CdcProbe {
 public:
  // Probes the cdc tasks of `tables` now and then every `interval`. The
  // references outlive the probe. No thread when there is no cdc task.
  CdcProbe(const Project& project, const std::vector<Task>& tables,
           std::chrono::milliseconds interval);
  ~CdcProbe();  // stops, after the reading in progress (if any) ends
  CdcProbe(const CdcProbe&) = delete;
  CdcProbe& operator=(const CdcProbe&) = delete;

  // The last reading of each cdc task, in project order; empty until the
  // first round ends. Thread-safe.
  std::vector<CdcReading> Current() const;

 private:
  void Loop();

  const Project& project_;
  std::vector<const Task*> tasks_;
  const std::chrono::milliseconds interval_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::map<std::string, CdcReading> readings_;
  std::thread thread_;
};

}  // namespace tributary
