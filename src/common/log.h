// Logging for humans (default) or machines (one JSON object per line), always
// to stderr so stdout stays for command output. Never log a secret value.
// Every line has its time to the millisecond with the date (UTC), and the
// fields of the LogScopes open on its thread (a run's run_id, a task's table).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

namespace tributary {

enum class LogFormat { kText, kJson };
enum class LogLevel { kDebug, kInfo, kWarn, kError };

// A field's value: text, or a number or boolean, which JSON lines write as
// JSON numbers and booleans (text lines write all alike).
class LogValue {
 public:
  using Value = std::variant<std::string, int64_t, double, bool>;
  LogValue() = default;
  LogValue(std::string text) : value_(std::move(text)) {}         // NOLINT: implicit by design
  LogValue(const char* text) : value_(std::string(text)) {}       // NOLINT
  LogValue(std::string_view text) : value_(std::string(text)) {}  // NOLINT
  template <typename T,
            std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  LogValue(T n) : value_(static_cast<int64_t>(n)) {}  // NOLINT
  LogValue(double d) : value_(d) {}                   // NOLINT
  LogValue(bool b) : value_(b) {}                     // NOLINT

  const Value& value() const { return value_; }
  std::string Text() const;  // numbers as printed by {} (doubles with 3 decimals)
  bool operator==(const LogValue&) const = default;

 private:
  Value value_;
};

// Structured key/value fields attached to a log line.
using LogFields = std::map<std::string, LogValue>;

// Fields every line this thread logs carries while the scope lives (a line's
// own fields of the same name win). A thread a task starts opens a scope with
// CurrentLogFields() of the thread that started it.
class LogScope {
 public:
  explicit LogScope(LogFields fields);
  ~LogScope();
  LogScope(const LogScope&) = delete;
  LogScope& operator=(const LogScope&) = delete;
};
LogFields CurrentLogFields();

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
