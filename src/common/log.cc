#include "common/log.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>

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

std::string NowIso() {
  auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", now);
}

std::string FormatText(LogLevel level, std::string_view message, const LogFields& fields) {
  std::string line = fmt::format("{} {:<5} {}", NowIso().substr(11, 12), LevelName(level), message);
  for (const auto& [k, v] : fields) {
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
  for (const auto& [k, v] : fields) j[k] = v;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

void SetLogFormat(LogFormat format) { g_format = format; }
LogFormat GetLogFormat() { return g_format; }
void SetLogLevel(LogLevel level) { g_level = level; }

bool LogEnabled(LogLevel level) { return level >= g_level; }

void Log(LogLevel level, std::string_view message, const LogFields& fields) {
  if (level < g_level) return;
  std::string line = g_format == LogFormat::kJson ? FormatJson(level, message, fields)
                                                  : FormatText(level, message, fields);
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
