// Quartz cron expressions (as Databricks jobs accept them) evaluated in an
// IANA time zone: sec min hour day-of-month month day-of-week [year], with
// `*`, `?`, ranges, lists, steps, names (JAN, MON), `L`, `W`, `LW`, `#`.
//
// Syntax follows org.quartz.CronExpression: exactly one day field is `?`;
// day-of-week 1-7 = SUN-SAT; names are case-insensitive; ranges may wrap
// (22-2, FRI-MON) except in the year field; `5/15` = 5,20,35,50. Two inputs
// Quartz silently misreads are rejected instead: a step after names
// (MON-FRI/2) and `#` listed with other day-of-week values.
//
// Daylight saving time. Fires are whole seconds; each matching wall-clock
// time fires once:
// - Spring forward: a wall time inside the gap fires at the same instant it
//   would have without the change, i.e. shifted forward by the gap length
//   (02:30 on Oslo's spring day fires at 03:30 CEST; Lord Howe's 02:15 at
//   02:45). This is how java.util.Calendar resolves such a time leniently and
//   what Quartz.NET does. Quartz's own CronTrigger instead skips that day's
//   fire (quartz-scheduler/quartz#51, "by design"); we do not skip, because
//   a daily load must not silently lose a day.
// - Fall back: a repeated wall time fires once, at its first (earlier,
//   summer-time) occurrence. So `0 0/15 * * * ?` does not fire during the
//   second pass of the repeated hour (01:45 CEST is followed by 02:00 CEST,
//   ..., 02:45 CEST, then 03:00 CET). Quartz on java.util.Calendar also
//   fires once per wall time but, as Calendar assumes standard time, tends to
//   pick the later occurrence; the earlier one keeps fires in wall order and
//   never late. Use UTC for schedules that need an absolute cadence.
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
  // year field in the past, or nothing before 2100). Thread-safe.
  std::optional<TimePoint> Next(TimePoint after) const;
  // The last fire instant at or before `at`; nullopt if none since 1970.
  // Consistent with Next: Next(*Previous(t)) > t. Thread-safe.
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

// `t` as wall time in `timezone`, e.g. "2026-03-29 03:30:00 CEST (+02:00)",
// truncated to seconds. Throws CronError for an unknown zone.
std::string FormatInstant(TimePoint t, std::string_view timezone);

}  // namespace tributary
