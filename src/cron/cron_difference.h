// Set arithmetic on the fires of two Quartz expressions in one time zone, as
// the export of rule `yield` needs it: an hourly job that must not fire at the
// daily job's hour gets the schedule "hourly minus daily", written as Quartz
// expressions that fire exactly at the remaining instants.
//
// An expression without L, W, # or a year field fires on a product of sets
// (months × days × hours × minutes × seconds), so differences and containment
// are computed field by field: A \ B is the union, over each field k, of the
// products that agree with both up to k, leave B's field k and keep A's after.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tributary {

enum class CronOverlap {
  kDisjoint,  // no instant is a fire of both
  kCovers,    // every fire of the second is a fire of the first
  kPartial,   // some fires are shared, some of the second's are not the first's
};

struct CronDifference {
  std::vector<std::string> expressions;  // Quartz; empty when every fire of a is one of b
  std::string why_not;                   // set when the difference cannot be computed
  bool ok() const { return why_not.empty(); }
};

// How the fires of `b` relate to those of `a` (same time zone); nullopt when
// either uses L, W, #, a year field, or they write their day sets one as days
// of the month and the other as days of the week. REQUIRES: both parse.
std::optional<CronOverlap> CompareCron(std::string_view a, std::string_view b);

// The fires of `a` that are not fires of `b` (same time zone), refused for
// the same inputs as CompareCron. REQUIRES: both parse.
CronDifference SubtractCron(std::string_view a, std::string_view b);

}  // namespace tributary
