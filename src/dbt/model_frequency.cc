#include "dbt/model_frequency.h"

#include <algorithm>
#include <regex>

#include "common/did_you_mean.h"

namespace tributary {
namespace {

std::vector<std::string> DeclaredNames(const Project& project) {
  std::vector<std::string> names;
  for (const auto& f : project.frequencies) names.push_back(f.name);
  return names;
}

bool IsScheduleWord(const std::string& tag) {
  static const std::regex kWord(
      R"(^((bi|half_?|semi_?)?(hourly|daily|nightly|weekly|monthly|quarterly|yearly|annually)|)"
      R"(minutely|realtime|intraday|)"
      R"((every_?\d*_?|\d+_?)(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|weeks?|months?))$)",
      std::regex::icase);
  return std::regex_match(tag, kWord);
}

}  // namespace

bool LooksLikeFrequency(const std::string& tag, const std::vector<std::string>& declared) {
  return ClosestMatch(tag, declared).has_value() || IsScheduleWord(tag);
}

FrequencyTags ReadFrequencyTags(const DbtModel& model, const Project& project) {
  FrequencyTags out;
  auto declared = DeclaredNames(project);
  for (const auto& tag : model.tags) {
    if (std::find(declared.begin(), declared.end(), tag) != declared.end()) {
      out.frequencies.push_back(tag);
    } else if (LooksLikeFrequency(tag, declared)) {
      out.lookalikes.push_back(tag);
    }
  }
  return out;
}

std::string ModelFrequency(const DbtModel& model, const Project& project,
                           const FrequencyRank& rank) {
  auto tags = ReadFrequencyTags(model, project);
  if (tags.frequencies.empty()) return project.dbt.default_frequency;
  std::string best = tags.frequencies.front();
  for (const auto& f : tags.frequencies) {
    if (rank.MoreFrequent(f, best)) best = f;
  }
  return best;
}

}  // namespace tributary
