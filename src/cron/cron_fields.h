// Internal to schedule/: the parsed form of a Quartz cron expression and the
// wall-clock search over it. CronSchedule (cron.h) is the public face.
#pragma once

#include <date/date.h>

#include <array>
#include <bitset>
#include <optional>
#include <string_view>
#include <vector>

namespace tributary::cron {

enum FieldIndex { kSecond, kMinute, kHour, kDayOfMonth, kMonth, kDayOfWeek, kYear, kFieldCount };

// Allowed values of each field; bit i of a field's set means value (min + i).
struct FieldSpec {
  const char* name;
  int min;
  int max;
  int max_step;  // Quartz rejects larger increments ("Increment > 60" etc.).
};
inline constexpr std::array<FieldSpec, kFieldCount> kFieldSpecs = {{
    {"second", 0, 59, 59},
    {"minute", 0, 59, 59},
    {"hour", 0, 23, 23},
    {"day-of-month", 1, 31, 31},
    {"month", 1, 12, 12},
    {"day-of-week", 1, 7, 7},
    {"year", 1970, 2099, 129},
}};
using ValueBits = std::bitset<132>;

// Day-of-week values follow Quartz: 1 = Sunday ... 7 = Saturday.
struct CronFields {
  std::array<ValueBits, kFieldCount> values;  // day fields: plain days only
  bool dom_unspecified = false;               // day-of-month is '?'
  bool dow_unspecified = false;               // day-of-week is '?'
  std::vector<int> dom_nearest_weekday;       // 15W -> 15
  std::vector<int> dom_before_last;           // L -> 0, L-3 -> 3
  std::vector<int> dom_before_last_weekday;   // LW -> 0, L-3W -> 3
  int dow_nth = 0;                            // 6#3 -> 3 (single day in values)
  bool dow_last = false;                      // 6L (single day in values)

  bool Has(FieldIndex f, int value) const {  // false outside the field's range
    const FieldSpec& spec = kFieldSpecs[f];
    return value >= spec.min && value <= spec.max &&
           values[f].test(static_cast<size_t>(value - spec.min));
  }
};

// Throws CronError (message + 1-based column) on anything Quartz would reject.
CronFields ParseCronFields(std::string_view expression);

// True when the calendar day matches the day-of-month/day-of-week/month/year
// fields.
bool DayMatches(const CronFields& fields, date::year_month_day day);

// The first wall-clock second >= `from` matching every field; nullopt past
// the year 2099. Works on local (zone-less) time: DST is the caller's job.
std::optional<date::local_seconds> NextLocalMatch(const CronFields& fields,
                                                  date::local_seconds from);

}  // namespace tributary::cron
