// What `tributary run` shows while it works: on a terminal, one live line per
// running table (rows, rate, elapsed; with the source's row estimate also the
// percentage done and the time left) redrawn in place; otherwise (or with
// --log-format json) a log line when each table starts and ends, and a
// "table progress" line (rows, rows per second, seconds) every `report_every`
// for each table still loading.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "engine/runner.h"

namespace tributary::cli {

// One table's live line: "  <table>  <rows> rows  <rate>  <elapsed>", and with
// an estimate (> 0) "<rows> / <estimate> (P%)" and "ETA mm:ss" (h:mm:ss past
// an hour) at the rate so far. Past the estimate (stale statistics) it shows
// 99% and no ETA.
std::string ProgressLine(const std::string& table, int64_t rows, int64_t estimate, double seconds);

class ConsoleProgress final : public RunObserver {
 public:
  // `live`: draw the in-place display (stderr is a terminal, text logs).
  explicit ConsoleProgress(bool live,
                           std::chrono::milliseconds report_every = std::chrono::seconds(30));
  ~ConsoleProgress() override;

  void RunStarted(const RunRecord& run) override;
  void TaskStarted(const Task& task, const TaskProgress& progress) override;
  void TaskFinished(const Task& task, const TaskResult& result) override;

 private:
  struct Active {
    const TaskProgress* progress;
    std::chrono::steady_clock::time_point started;
  };
  void Loop();
  void ReportLoop();
  void Draw();   // REQUIRES: stderr guard held
  void Erase();  // REQUIRES: stderr guard held

  const bool live_;
  const std::chrono::milliseconds report_every_;
  std::string run_id_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::map<std::string, Active> active_;  // by task id
  int drawn_lines_ = 0;
  int finished_ = 0;
  int total_ = 0;
  std::thread painter_;
};

}  // namespace tributary::cli
