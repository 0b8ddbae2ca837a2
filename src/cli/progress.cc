#include "cli/progress.h"

#include <fmt/format.h>

#include <cstdio>
#include <vector>

#include "common/log.h"
#include "common/text_table.h"
#include "common/thread_name.h"

namespace tributary::cli {
namespace {

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

std::string Rate(int64_t rows, double seconds) {
  return seconds > 0 ? FormatCount(static_cast<long long>(rows / seconds)) + " rows/s" : "";
}

std::string Clock(double seconds) {
  auto s = static_cast<long long>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{:02}:{:02}", s / 60, s % 60);
}

}  // namespace

std::string ProgressLine(const std::string& table, int64_t rows, int64_t estimate, double seconds) {
  std::string count = FormatCount(rows);
  std::string eta;
  if (estimate > 0) {
    int percent = rows >= estimate ? 99 : static_cast<int>(100 * rows / estimate);
    count = fmt::format("{} / {} ({}%)", FormatCount(rows), FormatCount(estimate), percent);
    if (rows > 0 && rows < estimate && seconds > 0) {
      eta = "ETA " +
            Clock(static_cast<double>(estimate - rows) * seconds / static_cast<double>(rows));
    }
  }
  std::string line = fmt::format("  {:<40} {:>14} rows  {:>16}  {:>8}", table, count,
                                 Rate(rows, seconds), FormatDuration(seconds));
  if (!eta.empty()) line += "  " + eta;
  return line;
}

ConsoleProgress::ConsoleProgress(bool live, std::chrono::milliseconds report_every)
    : live_(live), report_every_(report_every) {
  if (!live_) {
    if (report_every_.count() > 0) {
      painter_ = std::thread([this] {
        NameThisThread("progress");
        ReportLoop();
      });
    }
    return;
  }
  SetLiveDisplay({[](void* self) { static_cast<ConsoleProgress*>(self)->Erase(); },
                  [](void* self) { static_cast<ConsoleProgress*>(self)->Draw(); }, this});
  painter_ = std::thread([this] {
    NameThisThread("progress");
    Loop();
  });
}

ConsoleProgress::~ConsoleProgress() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (painter_.joinable()) painter_.join();
  if (!live_) return;
  {
    StderrGuard guard;  // erases the display
    ClearLiveDisplay();
  }
}

void ConsoleProgress::RunStarted(const RunRecord& run) {
  {
    std::lock_guard lock(mu_);
    total_ = run.tasks_total;
    run_id_ = run.run_id;
  }
  Log(LogLevel::kInfo, "run started", {{"run_id", run.run_id}, {"tables", run.tasks_total}});
}

void ConsoleProgress::TaskStarted(const Task& task, const TaskProgress& progress) {
  {
    std::lock_guard lock(mu_);
    active_[task.id()] = Active{&progress, std::chrono::steady_clock::now()};
  }
  if (!live_) {
    Log(LogLevel::kInfo, "table started", {{"table", task.id()}, {"strategy", task.strategy}});
  }
}

void ConsoleProgress::TaskFinished(const Task& task, const TaskResult& result) {
  double secs = std::chrono::duration<double>(result.ended_at - result.started_at).count();
  {
    std::lock_guard lock(mu_);
    active_.erase(task.id());
    ++finished_;
  }
  LogFields fields = {{"table", task.id()}, {"rows", result.rows}, {"seconds", secs}};
  if (result.status == "succeeded") {
    Log(LogLevel::kInfo, "table loaded", fields);
  } else {
    fields["error"] = result.error;
    Log(LogLevel::kError, "table failed", fields);
  }
}

void ConsoleProgress::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    wake_.wait_for(lock, std::chrono::milliseconds(200));
    lock.unlock();
    { StderrGuard guard; }  // erase + redraw
    lock.lock();
  }
}

void ConsoleProgress::ReportLoop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    wake_.wait_for(lock, report_every_);
    if (stop_) break;
    auto now = std::chrono::steady_clock::now();
    std::vector<LogFields> lines;
    for (const auto& [id, a] : active_) {
      double secs = Seconds(now - a.started);
      if (secs * 1000 < static_cast<double>(report_every_.count())) continue;
      int64_t rows = a.progress->rows();
      lines.push_back({{"run_id", run_id_},
                       {"table", id},
                       {"rows", rows},
                       {"rows_per_second", secs > 0 ? static_cast<double>(rows) / secs : 0.0},
                       {"seconds", secs}});
    }
    lock.unlock();
    for (const auto& fields : lines) Log(LogLevel::kInfo, "table progress", fields);
    lock.lock();
  }
}

void ConsoleProgress::Erase() {
  // Cursor up and clear each line drawn last time.
  for (int i = 0; i < drawn_lines_; ++i) std::fputs("\x1b[1A\x1b[2K", stderr);
  drawn_lines_ = 0;
}

void ConsoleProgress::Draw() {
  std::lock_guard lock(mu_);
  if (stop_) return;
  auto now = std::chrono::steady_clock::now();
  int lines = 0;
  for (const auto& [id, a] : active_) {
    double secs = Seconds(now - a.started);
    int64_t rows = a.progress->rows();
    std::string line = ProgressLine(id, rows, a.progress->estimate(), secs) + "\n";
    std::fputs(line.c_str(), stderr);
    ++lines;
  }
  std::fprintf(stderr, "  [%d/%d tables done]\n", finished_, total_);
  drawn_lines_ = lines + 1;
}

}  // namespace tributary::cli
