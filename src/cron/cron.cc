// CronSchedule: parsing (cron_parse.cc) and the wall-clock search
// (cron_search.cc) joined to a time zone. This file owns the DST rules
// documented in cron.h.
#include "cron/cron.h"

#include <date/tz.h>

#include <algorithm>
#include <cctype>

#include "common/did_you_mean.h"
#include "cron/cron_fields.h"

namespace tributary {

using date::local_seconds;
using date::sys_seconds;
using std::chrono::seconds;

namespace {

// The closest tz database name, if reasonably close (the OS tzdb lists links
// as zones too).
std::string SuggestZone(std::string_view wanted) {
  std::string best;
  size_t best_distance = 4;  // suggest only within 3 edits
  auto consider = [&](const std::string& name) {
    const size_t d = EditDistance(wanted, name);  // case-insensitive
    if (d < best_distance) best_distance = d, best = name;
  };
  const date::tzdb& db = date::get_tzdb();
  for (const date::time_zone& zone : db.zones) consider(std::string(zone.name()));
  return best;
}

const date::time_zone* LocateZone(std::string_view timezone) {
  if (timezone.empty()) {
    throw CronError("time zone is empty: use an IANA name such as 'Europe/Oslo' or 'UTC'", 0);
  }
  try {
    return date::locate_zone(timezone);
  } catch (const std::runtime_error&) {
    std::string message = "unknown time zone '" + std::string(timezone) + "'";
    const std::string suggestion = SuggestZone(timezone);
    if (!suggestion.empty()) message += ": did you mean '" + suggestion + "'?";
    throw CronError(message, 0);
  }
}

// Searches are bounded to the years the year field allows (1970-2099), with
// a day of slack for zone offsets.
constexpr sys_seconds kEarliest{date::sys_days(date::year(1969) / 12 / 30).time_since_epoch()};
constexpr sys_seconds kLatest{date::sys_days(date::year(2100) / 1 / 2).time_since_epoch()};

sys_seconds FloorSeconds(TimePoint t) {
  return std::clamp(date::floor<seconds>(t), kEarliest, kLatest);
}

local_seconds ToLocal(sys_seconds t, seconds offset) {
  return local_seconds((t + offset).time_since_epoch());
}

}  // namespace

struct CronSchedule::Impl {
  std::string expression;
  std::string timezone;
  const date::time_zone* zone;
  cron::CronFields fields;

  // The instant wall time `t` fires at: a time in a spring-forward gap is read
  // with the offset before the gap (so it fires shifted by the gap length); a
  // time repeated at fall-back fires at its first (earlier) occurrence.
  sys_seconds ToInstant(local_seconds t) const {
    return sys_seconds((t - zone->get_info(t).first.offset).time_since_epoch());
  }

  std::optional<sys_seconds> NextAfter(sys_seconds s) const;
};

// The smallest fire instant > s. Wall-clock order equals instant order except
// around a gap, whose shifted fires land after wall times just past the gap;
// those two cases are checked explicitly.
std::optional<sys_seconds> CronSchedule::Impl::NextAfter(sys_seconds s) const {
  const date::sys_info info = zone->get_info(s);
  const date::sys_info before = zone->get_info(info.begin - seconds(1));
  const seconds shift = info.offset - before.offset;  // > 0: gap, < 0: repeated wall times
  local_seconds start = ToLocal(s, info.offset) + seconds(1);
  if (shift < seconds(0) && s < info.begin - shift) {
    start = std::max(start, ToLocal(info.begin, before.offset));  // repeated hour already fired
  }
  std::optional<sys_seconds> best;
  auto consider = [&](std::optional<local_seconds> wall) {
    if (!wall) return;
    const sys_seconds instant = ToInstant(*wall);
    if (instant > s && (!best || instant < *best)) best = instant;
  };
  const std::optional<local_seconds> first = cron::NextLocalMatch(fields, start);
  consider(first);
  if (first) {
    const date::local_info li = zone->get_info(*first);
    if (li.result == date::local_info::nonexistent) {  // wall times after the gap fire earlier
      consider(cron::NextLocalMatch(fields, ToLocal(li.second.begin, li.second.offset)));
    }
  }
  if (shift > seconds(0) && s < info.begin + shift) {  // shifted gap times still ahead of s
    const std::optional<local_seconds> gap =
        cron::NextLocalMatch(fields, ToLocal(s, before.offset) + seconds(1));
    if (gap && *gap < ToLocal(info.begin, info.offset)) consider(gap);
  }
  return best;
}

CronSchedule CronSchedule::Parse(std::string_view expression, std::string_view timezone) {
  auto impl = std::make_unique<Impl>();
  impl->fields = cron::ParseCronFields(expression);
  impl->zone = LocateZone(timezone);
  impl->expression = std::string(expression);
  impl->timezone = std::string(timezone);
  return CronSchedule(std::move(impl));
}

std::optional<TimePoint> CronSchedule::Next(TimePoint after) const {
  if (after >= kLatest) return std::nullopt;
  const std::optional<sys_seconds> next = impl_->NextAfter(FloorSeconds(after));
  if (!next) return std::nullopt;
  return TimePoint(*next);
}

// Finds a window (lo, s] holding a fire by doubling, then narrows it to the
// last fire by bisection: O(log range) calls of NextAfter.
std::optional<TimePoint> CronSchedule::Previous(TimePoint at) const {
  if (at < kEarliest) return std::nullopt;
  const sys_seconds s = FloorSeconds(at);
  auto fires_within = [&](sys_seconds lo) {  // a fire in (lo, s]?
    const std::optional<sys_seconds> next = impl_->NextAfter(lo);
    return next && *next <= s;
  };
  seconds window(1);
  while (!fires_within(s - window)) {
    if (s - window < kEarliest) return std::nullopt;
    window *= 2;
  }
  sys_seconds lo = s - window;
  sys_seconds hi = s;
  while (hi - lo > seconds(1)) {
    const sys_seconds mid = lo + (hi - lo) / 2;
    (fires_within(mid) ? lo : hi) = mid;
  }
  return TimePoint(*impl_->NextAfter(lo));
}

std::string FormatInstant(TimePoint t, std::string_view timezone) {
  const date::zoned_seconds zoned(LocateZone(timezone), date::floor<seconds>(t));
  return date::format("%F %T %Z (%Ez)", zoned);
}

const std::string& CronSchedule::expression() const { return impl_->expression; }
const std::string& CronSchedule::timezone() const { return impl_->timezone; }

CronSchedule::CronSchedule(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CronSchedule::~CronSchedule() = default;
CronSchedule::CronSchedule(CronSchedule&&) noexcept = default;
CronSchedule& CronSchedule::operator=(CronSchedule&&) noexcept = default;
CronSchedule::CronSchedule(const CronSchedule& other)
    : impl_(std::make_unique<Impl>(*other.impl_)) {}
CronSchedule& CronSchedule::operator=(const CronSchedule& other) {
  if (this != &other) impl_ = std::make_unique<Impl>(*other.impl_);
  return *this;
}

}  // namespace tributary
