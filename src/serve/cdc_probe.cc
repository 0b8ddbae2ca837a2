#include "serve/cdc_probe.h"

#include "common/error.h"

namespace tributary {

CdcProbe::CdcProbe(const Project& project, const std::vector<Task>& tables,
                   std::chrono::milliseconds interval)
    : project_(project), interval_(interval) {
  for (const auto& t : tables) {
    if (t.strategy == "cdc") tasks_.push_back(&t);
  }
  if (!tasks_.empty()) thread_ = std::thread([this] { Loop(); });
}

CdcProbe::~CdcProbe() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::vector<CdcReading> CdcProbe::Current() const {
  std::lock_guard lock(mutex_);
  std::vector<CdcReading> out;
  for (const Task* t : tasks_) {
    auto it = readings_.find(t->id());
    if (it != readings_.end()) out.push_back(it->second);
  }
  return out;
}

void CdcProbe::Loop() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    lock.unlock();
    std::map<std::string, CdcReading> round;
    for (const Task* t : tasks_) {
      CdcReading r;
      r.task = t;
      try {
        const ServerConfig* server = project_.FindServer(t->server);
        if (server == nullptr) throw Error("no server '" + t->server + "'");
        r.status = OpenCdcReader(project_, *server, *t)->Status();
      } catch (const std::exception& e) {
        r.error = e.what();
      }
      r.checked_at = SystemClock::Instance().Now();
      round[t->id()] = std::move(r);
    }
    lock.lock();
    readings_ = std::move(round);
    wake_.wait_for(lock, interval_, [this] { return stop_; });
  }
}

}  // namespace tributary
