#include "common/log.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <vector>

namespace tributary {
namespace {

std::recursive_mutex& StderrMutex() {
  static std::recursive_mutex mu;
  return mu;
}

LogFormat g_format = LogFormat::kText;
LogLevel g_level = LogLevel::kInfo;
LiveDisplayHooks g_live;

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

thread_local std::vector<LogFields> t_scopes;

// "2026-12-07T16:22:34.123Z": the date, the time to the millisecond, UTC.
std::string NowIso() {
  auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  auto secs = std::chrono::floor<std::chrono::seconds>(now);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z", secs, (now - secs).count());
}

// The scopes' fields, then the line's own (which win).
LogFields AllFields(const LogFields& fields) {
  LogFields all;
  for (const auto& scope : t_scopes) {
    for (const auto& [k, v] : scope) all[k] = v;
  }
  for (const auto& [k, v] : fields) all[k] = v;
  return all;
}

std::string FormatText(LogLevel level, std::string_view message, const LogFields& fields) {
  std::string ts = NowIso();
  ts[10] = ' ';
  std::string line = fmt::format("{} {:<5} {}", ts, LevelName(level), message);
  for (const auto& [k, value] : fields) {
    std::string v = value.Text();
    bool quote = v.find_first_of(" \t\"=") != std::string::npos || v.empty();
    line += quote ? fmt::format(" {}={:?}", k, v) : fmt::format(" {}={}", k, v);
  }
  return line;
}

std::string FormatJson(LogLevel level, std::string_view message, const LogFields& fields) {
  nlohmann::json j;
  j["ts"] = NowIso();
  j["level"] = LevelName(level);
  j["msg"] = message;
  for (const auto& [k, v] : fields) {
    std::visit([&j, &k = k](const auto& x) { j[k] = x; }, v.value());
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string LogValue::Text() const {
  if (const auto* s = std::get_if<std::string>(&value_)) return *s;
  if (const auto* n = std::get_if<int64_t>(&value_)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&value_)) return fmt::format("{:.3f}", *d);
  return std::get<bool>(value_) ? "true" : "false";
}

LogScope::LogScope(LogFields fields) { t_scopes.push_back(std::move(fields)); }
LogScope::~LogScope() { t_scopes.pop_back(); }

LogFields CurrentLogFields() { return AllFields({}); }

void SetLogFormat(LogFormat format) { g_format = format; }
LogFormat GetLogFormat() { return g_format; }
void SetLogLevel(LogLevel level) { g_level = level; }

bool LogEnabled(LogLevel level) { return level >= g_level; }

void Log(LogLevel level, std::string_view message, const LogFields& fields) {
  if (level < g_level) return;
  LogFields all = t_scopes.empty() ? LogFields{} : AllFields(fields);
  const LogFields& used = t_scopes.empty() ? fields : all;
  std::string line = g_format == LogFormat::kJson ? FormatJson(level, message, used)
                                                  : FormatText(level, message, used);
  StderrGuard guard;
  std::fputs(line.c_str(), stderr);
  std::fputc('\n', stderr);
}

StderrGuard::StderrGuard() {
  StderrMutex().lock();
  if (g_live.erase) g_live.erase(g_live.self);
}

StderrGuard::~StderrGuard() {
  if (g_live.redraw) g_live.redraw(g_live.self);
  std::fflush(stderr);
  StderrMutex().unlock();
}

void SetLiveDisplay(const LiveDisplayHooks& hooks) {
  std::lock_guard lock(StderrMutex());
  g_live = hooks;
}

void ClearLiveDisplay() {
  std::lock_guard lock(StderrMutex());
  g_live = {};
}

}  // namespace tributary
