// Wall-clock search: advance the largest mismatching field and reset the
// smaller ones, so a search costs at most a few steps per year, month and day
// (a Feb 29 expression walks ~12 months a year, never every second).
#include "cron/cron_fields.h"

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

enum class Step { kMatch, kMoved, kEnd };

// Leaves `t` alone if its date matches; else moves it to the start of the next
// year, month or day worth checking (kMoved), or gives up past 2099 (kEnd).
Step AdvanceDate(const CronFields& f, date::local_seconds& t) {
  const date::year_month_day ymd(date::floor<days>(t));
  const int year = static_cast<int>(ymd.year());
  if (!f.Has(kYear, year)) {
    const auto next = NextValue(f, kYear, year + 1);
    if (!next) return Step::kEnd;
    t = StartOfDay(date::year(*next) / 1 / 1);
    return Step::kMoved;
  }
  const int month = static_cast<int>(unsigned{ymd.month()});
  if (!f.Has(kMonth, month)) {
    const auto next = NextValue(f, kMonth, month + 1);
    t = next ? StartOfDay(ymd.year() / *next / 1)
             : StartOfDay((ymd.year() + date::years(1)) / 1 / 1);
    return Step::kMoved;
  }
  if (!DayMatches(f, ymd)) {
    t = StartOfDay(ymd) + days(1);
    return Step::kMoved;
  }
  return Step::kMatch;
}

// Same for the time of day; a day with no time left moves to the next day.
Step AdvanceTime(const CronFields& f, date::local_seconds& t) {
  const date::local_seconds day(date::floor<days>(t));
  const hours hour = date::floor<hours>(t - day);
  const minutes minute = date::floor<minutes>(t - day - hour);
  const int second = static_cast<int>((t - day - hour - minute).count());
  if (!f.Has(kHour, static_cast<int>(hour.count()))) {
    const auto next = NextValue(f, kHour, static_cast<int>(hour.count()) + 1);
    t = next ? day + hours(*next) : day + days(1);
    return Step::kMoved;
  }
  if (!f.Has(kMinute, static_cast<int>(minute.count()))) {
    const auto next = NextValue(f, kMinute, static_cast<int>(minute.count()) + 1);
    t = next ? day + hour + minutes(*next) : day + hour + hours(1);
    return Step::kMoved;
  }
  if (!f.Has(kSecond, second)) {
    const auto next = NextValue(f, kSecond, second + 1);
    t = next ? day + hour + minute + seconds(*next) : day + hour + minute + minutes(1);
    return Step::kMoved;
  }
  return Step::kMatch;
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
    const Step date_step = AdvanceDate(f, t);
    if (date_step == Step::kEnd) return std::nullopt;
    if (date_step == Step::kMatch && AdvanceTime(f, t) == Step::kMatch) return t;
  }
}

}  // namespace tributary::cron
