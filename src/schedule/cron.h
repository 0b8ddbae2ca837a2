// Quartz cron expressions (as Databricks jobs accept them) evaluated in an
// IANA time zone: sec min hour day-of-month month day-of-week [year], with
// `*`, `?`, ranges, lists, steps, names (JAN, MON), `L`, `W`, `LW`, `#`.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/error.h"

namespace tributary {

// A malformed expression or unknown time zone. `column()` is the 1-based
// position inside the expression text where the problem starts (0: whole).
class CronError : public Error {
 public:
  CronError(const std::string& message, int column) : Error(message), column_(column) {}
  int column() const { return column_; }

 private:
  int column_;
};

class CronSchedule {
 public:
  // Throws CronError when `expression` is not valid Quartz syntax or
  // `timezone` is not a known IANA zone.
  static CronSchedule Parse(std::string_view expression, std::string_view timezone);

  // The first fire instant strictly after `after`; nullopt if none (e.g. a
  // year field in the past).
  std::optional<TimePoint> Next(TimePoint after) const;
  // The last fire instant at or before `at`; nullopt if none.
  std::optional<TimePoint> Previous(TimePoint at) const;

  const std::string& expression() const;
  const std::string& timezone() const;
  ~CronSchedule();
  CronSchedule(CronSchedule&&) noexcept;
  CronSchedule& operator=(CronSchedule&&) noexcept;
  CronSchedule(const CronSchedule&);
  CronSchedule& operator=(const CronSchedule&);

 private:
  struct Impl;
  explicit CronSchedule(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tributary
