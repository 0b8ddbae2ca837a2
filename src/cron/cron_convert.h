// Quartz cron expressions rewritten for other schedulers, exactly or not at
// all: a conversion either fires at the same wall-clock times as the Quartz
// expression, or is refused with the reason.
#pragma once

#include <string>
#include <string_view>

namespace tributary {

struct CronConversion {
  std::string text;     // the converted schedule; empty when refused
  std::string why_not;  // the reason, when refused: "it fires at second 30, ..."
  bool ok() const { return why_not.empty(); }
};

// The 5-field cron (minute hour day-of-month month day-of-week, day-of-week
// 0-6 from Sunday) of crontab(5) and Kubernetes CronJobs. Refused for seconds
// other than 0, a year field, and L, W, # (whose 5-field forms either do not
// exist or, as day-of-month and day-of-week combine with OR, mean something
// else). REQUIRES: `quartz` parses (CronSchedule::Parse).
CronConversion ToFiveFieldCron(std::string_view quartz);

// A systemd.time(7) calendar event, e.g. "Mon..Fri *-*-* 05:00:00
// Europe/Oslo". Handles seconds, years, L, L-n, nth and last weekday;
// refused for W (nearest weekday) and for L mixed with plain days.
// REQUIRES: `quartz` parses.
CronConversion ToSystemdCalendar(std::string_view quartz, std::string_view timezone);

}  // namespace tributary
