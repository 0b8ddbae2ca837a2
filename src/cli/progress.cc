#include "cli/progress.h"

#include <fmt/format.h>

#include <cstdio>

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

}  // namespace

ConsoleProgress::ConsoleProgress(bool live) : live_(live) {
  if (!live_) return;
  SetLiveDisplay({[](void* self) { static_cast<ConsoleProgress*>(self)->Erase(); },
                  [](void* self) { static_cast<ConsoleProgress*>(self)->Draw(); }, this});
  painter_ = std::thread([this] {
    NameThisThread("progress");
    Loop();
  });
}

ConsoleProgress::~ConsoleProgress() {
  if (!live_) return;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  painter_.join();
  {
    StderrGuard guard;  // erases the display
    ClearLiveDisplay();
  }
}

void ConsoleProgress::RunStarted(const RunRecord& run) {
  {
    std::lock_guard lock(mu_);
    total_ = run.tasks_total;
  }
  Log(LogLevel::kInfo, "run started",
      {{"run_id", run.run_id}, {"tables", std::to_string(run.tasks_total)}});
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
  LogFields fields = {{"table", task.id()},
                      {"rows", std::to_string(result.rows)},
                      {"seconds", fmt::format("{:.3f}", secs)}};
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
    std::fprintf(stderr, "  %-40s %14s rows  %16s  %8s\n", id.c_str(), FormatCount(rows).c_str(),
                 Rate(rows, secs).c_str(), FormatDuration(secs).c_str());
    ++lines;
  }
  std::fprintf(stderr, "  [%d/%d tables done]\n", finished_, total_);
  drawn_lines_ = lines + 1;
}

}  // namespace tributary::cli
