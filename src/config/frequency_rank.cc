#include "config/frequency_rank.h"

#include <algorithm>
#include <optional>

#include "cron/cron.h"

namespace tributary {
namespace {

using std::chrono::hours;

// Monday 2026-01-05 00:00:00 UTC.
const TimePoint kReference = TimePoint(std::chrono::seconds(1767571200));
constexpr int kMaxFires = 10'000;
constexpr auto kWindow = hours(24 * 366);
constexpr double kHoursPerWeek = 24.0 * 7;

}  // namespace

double FiresPerWeek(const std::string& cron, const std::string& timezone) {
  CronSchedule schedule = CronSchedule::Parse(cron, timezone);
  const TimePoint end = kReference + kWindow;
  TimePoint at = kReference - std::chrono::seconds(1);
  std::optional<TimePoint> first;
  TimePoint last = kReference;
  int fires = 0;
  while (fires < kMaxFires) {
    auto next = schedule.Next(at);
    if (!next || *next >= end) break;
    if (!first) first = *next;
    at = last = *next;
    ++fires;
  }
  auto hours_between = [](TimePoint a, TimePoint b) {
    return std::chrono::duration<double, std::ratio<3600>>(b - a).count();
  };
  // Stopped by the fire cap: the rate over the intervals those fires span.
  if (fires == kMaxFires) return (fires - 1) * kHoursPerWeek / hours_between(*first, last);
  return fires * kHoursPerWeek / hours_between(kReference, end);
}

std::chrono::seconds LongestGap(const std::string& cron, const std::string& timezone) {
  CronSchedule schedule = CronSchedule::Parse(cron, timezone);
  const TimePoint end = kReference + kWindow;
  std::optional<TimePoint> last;
  std::chrono::seconds longest{0};
  for (int fires = 0; fires < kMaxFires; ++fires) {
    auto next = schedule.Next(last.value_or(kReference - std::chrono::seconds(1)));
    if (!next || *next >= end) break;
    if (last)
      longest = std::max(longest, std::chrono::duration_cast<std::chrono::seconds>(*next - *last));
    last = next;
  }
  return longest;
}

FrequencyRank::FrequencyRank(const std::vector<FrequencyConfig>& frequencies) {
  for (const auto& f : frequencies) {
    double rate = 0;
    try {
      rate = FiresPerWeek(f.cron, f.timezone);
    } catch (const Error&) {
    }
    rates_[f.name] = rate;
    ordered_.push_back(f.name);
  }
  std::sort(ordered_.begin(), ordered_.end(), [this](const std::string& a, const std::string& b) {
    double ra = rates_.at(a), rb = rates_.at(b);
    return ra != rb ? ra > rb : a < b;
  });
}

double FrequencyRank::Rate(const std::string& frequency) const {
  auto it = rates_.find(frequency);
  return it == rates_.end() ? 0 : it->second;
}

bool FrequencyRank::MoreFrequent(const std::string& a, const std::string& b) const {
  return Rate(a) > Rate(b);
}

std::vector<std::string> FrequencyRank::SameOrHigher(const std::string& frequency) const {
  std::vector<std::string> out;
  double floor = Rate(frequency);
  for (const auto& name : ordered_) {
    if (Rate(name) >= floor) out.push_back(name);
  }
  return out;
}

}  // namespace tributary
