// Wall-clock search: advance the largest mismatching field and reset the
// smaller ones, so a search costs at most a few steps per year, month and day
// (a Feb 29 expression walks ~12 months a year, never every second).
#include "schedule/cron_fields.h"

namespace tributary::cron {
namespace {

using date::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// The smallest value >= from that `field` allows, or nullopt.
std::optional<int> NextValue(const CronFields& f, FieldIndex field, int from) {
  const FieldSpec& spec = kFieldSpecs[field];
  for (int v = std::max(from, spec.min); v <= spec.max; ++v) {
    if (f.Has(field, v)) return v;
  }
  return std::nullopt;
}

int LastDay(date::year_month ym) { return static_cast<int>(unsigned{(ym / date::last).day()}); }

int Weekday(date::year_month_day ymd) {  // Quartz numbering: 1 = Sunday
  return static_cast<int>(date::weekday(date::sys_days(ymd)).c_encoding()) + 1;
}

// The weekday (Mon-Fri) nearest to `target`, staying inside the month.
int NearestWeekday(date::year_month ym, int target) {
  const int last = LastDay(ym);
  const int wd = Weekday(ym / date::day(static_cast<unsigned>(target)));
  if (wd == 7) return target == 1 ? 3 : target - 1;              // Saturday
  if (wd == 1) return target == last ? target - 2 : target + 1;  // Sunday
  return target;
}

bool DayOfMonthMatches(const CronFields& f, date::year_month ym, int day) {
  const int last = LastDay(ym);
  if (f.Has(kDayOfMonth, day)) return true;
  for (int before : f.dom_before_last) {
    if (day == last - before) return true;
  }
  for (int before : f.dom_before_last_weekday) {
    if (last - before >= 1 && day == NearestWeekday(ym, last - before)) return true;
  }
  for (int target : f.dom_nearest_weekday) {
    if (target <= last && day == NearestWeekday(ym, target)) return true;
  }
  return false;
}

bool DayOfWeekMatches(const CronFields& f, date::year_month_day ymd) {
  if (!f.Has(kDayOfWeek, Weekday(ymd))) return false;
  const int day = static_cast<int>(unsigned{ymd.day()});
  if (f.dow_nth != 0) return (day - 1) / 7 + 1 == f.dow_nth;
  if (f.dow_last) return day + 7 > LastDay(ymd.year() / ymd.month());
  return true;
}

date::local_seconds StartOfDay(date::year_month_day ymd) {
  return date::local_seconds(date::local_days(ymd));
}

}  // namespace

bool DayMatches(const CronFields& f, date::year_month_day ymd) {
  if (!f.Has(kYear, static_cast<int>(ymd.year())) ||
      !f.Has(kMonth, static_cast<int>(unsigned{ymd.month()}))) {
    return false;
  }
  if (!f.dom_unspecified) {
    return DayOfMonthMatches(f, ymd.year() / ymd.month(), static_cast<int>(unsigned{ymd.day()}));
  }
  return DayOfWeekMatches(f, ymd);
}

std::optional<date::local_seconds> NextLocalMatch(const CronFields& f, date::local_seconds from) {
  date::local_seconds t = from;
  while (true) {
    const date::local_days day = date::floor<days>(t);
    const date::year_month_day ymd(day);
    const int year = static_cast<int>(ymd.year());
    if (year > kFieldSpecs[kYear].max) return std::nullopt;
    if (!f.Has(kYear, year)) {
      const auto next = NextValue(f, kYear, year + 1);
      if (!next) return std::nullopt;
      t = StartOfDay(date::year(*next) / 1 / 1);
      continue;
    }
    const int month = static_cast<int>(unsigned{ymd.month()});
    if (!f.Has(kMonth, month)) {
      const auto next = NextValue(f, kMonth, month + 1);
      t = next ? StartOfDay(ymd.year() / *next / 1)
               : StartOfDay(ymd.year() / 1 / 1 + date::years(1));
      continue;
    }
    if (!DayMatches(f, ymd)) {
      t = StartOfDay(ymd) + days(1);
      continue;
    }
    const hours hour = date::floor<hours>(t - date::local_seconds(day));
    const minutes minute = date::floor<minutes>(t - date::local_seconds(day) - hour);
    const seconds second = t - date::local_seconds(day) - hour - minute;
    const date::local_seconds hour_start = date::local_seconds(day) + hour;
    if (!f.Has(kHour, static_cast<int>(hour.count()))) {
      const auto next = NextValue(f, kHour, static_cast<int>(hour.count()) + 1);
      t = next ? date::local_seconds(day) + hours(*next) : StartOfDay(ymd) + days(1);
      continue;
    }
    if (!f.Has(kMinute, static_cast<int>(minute.count()))) {
      const auto next = NextValue(f, kMinute, static_cast<int>(minute.count()) + 1);
      t = next ? hour_start + minutes(*next) : hour_start + hours(1);
      continue;
    }
    if (!f.Has(kSecond, static_cast<int>(second.count()))) {
      const auto next = NextValue(f, kSecond, static_cast<int>(second.count()) + 1);
      t = next ? hour_start + minute + seconds(*next) : hour_start + minute + minutes(1);
      continue;
    }
    return t;
  }
}

}  // namespace tributary::cron
