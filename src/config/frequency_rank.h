// How often each declared frequency fires, so "more frequent than" has one
// meaning across tables and models. A frequency's rate is its fires per week,
// counted from a fixed reference instant (Monday 2026-01-05 00:00 UTC) over
// up to 366 days or 10,000 fires, whichever comes first: a fixed instant makes
// the order the same on every machine and every day, and a long window
// averages out weekday and month-end rules (`0 0 5 ? * MON-FRI` is 5 a week,
// `0 0 0 L * ?` about 0.23).
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "config/project.h"

namespace tributary {

class FrequencyRank {
 public:
  // Computes every frequency's rate. A frequency whose cron cannot be parsed
  // (already reported by config validation) gets rate 0. Never throws.
  explicit FrequencyRank(const std::vector<FrequencyConfig>& frequencies);

  // Fires per week; 0 for an unknown name.
  double Rate(const std::string& frequency) const;
  // True when `a` fires more often than `b` (equal rates are neither).
  bool MoreFrequent(const std::string& a, const std::string& b) const;
  // The names with a rate at least `frequency`'s, most frequent first.
  std::vector<std::string> SameOrHigher(const std::string& frequency) const;
  // Every name, most frequent first (ties by name).
  const std::vector<std::string>& Ordered() const { return ordered_; }

 private:
  std::map<std::string, double> rates_;
  std::vector<std::string> ordered_;
};

// The fires per week of one schedule (see above). Throws CronError.
double FiresPerWeek(const std::string& cron, const std::string& timezone);

// The longest time between two consecutive fires in the same window (a
// weekday schedule's is the weekend's). Throws CronError; zero when the
// schedule fires less than twice in the window.
std::chrono::seconds LongestGap(const std::string& cron, const std::string& timezone);

}  // namespace tributary
