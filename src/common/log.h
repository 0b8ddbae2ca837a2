// Logging for humans (default) or machines (one JSON object per line), always
// to stderr so stdout stays for command output. Never log a secret value.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace tributary {

enum class LogFormat { kText, kJson };
enum class LogLevel { kDebug, kInfo, kWarn, kError };

// Structured key/value fields attached to a log line.
using LogFields = std::map<std::string, std::string>;

// Process-wide settings; set once at startup, before threads start.
void SetLogFormat(LogFormat format);
LogFormat GetLogFormat();
void SetLogLevel(LogLevel level);

// Whether a line of `level` would be written: lets hot paths skip building
// the fields of a debug line nobody asked for.
bool LogEnabled(LogLevel level);

// Thread-safe: lines from parallel tasks never interleave.
void Log(LogLevel level, std::string_view message, const LogFields& fields = {});

// Called around any line written to stderr, so a live progress display can
// clear itself first and redraw afterwards. Thread-safe.
class StderrGuard {
 public:
  StderrGuard();
  ~StderrGuard();
  StderrGuard(const StderrGuard&) = delete;
  StderrGuard& operator=(const StderrGuard&) = delete;
};

// A live display registers how to erase and redraw itself around log lines.
struct LiveDisplayHooks {
  void (*erase)(void* self) = nullptr;
  void (*redraw)(void* self) = nullptr;
  void* self = nullptr;
};
void SetLiveDisplay(const LiveDisplayHooks& hooks);
void ClearLiveDisplay();

}  // namespace tributary
