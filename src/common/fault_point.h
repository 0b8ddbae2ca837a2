// Named points inside multi-step commits where tests can make the process
// die (fault injection, as in leveldb's fault-injection Env). Production code
// calls FaultPoint("delta.after_journal"); nothing happens unless a test has
// installed a handler, which typically raise(SIGKILL)s in a child process to
// prove the sink shows the old state or the new, never a mix.
#pragma once

#include <atomic>
#include <string_view>

namespace tributary {

using FaultHandler = void (*)(std::string_view point);

inline std::atomic<FaultHandler>& FaultHandlerSlot() {
  static std::atomic<FaultHandler> handler{nullptr};
  return handler;
}

// Installs `handler` for every later FaultPoint (nullptr removes it).
inline void SetFaultHandler(FaultHandler handler) { FaultHandlerSlot().store(handler); }

inline void FaultPoint(std::string_view point) {
  if (FaultHandler handler = FaultHandlerSlot().load(std::memory_order_relaxed)) handler(point);
}

}  // namespace tributary
