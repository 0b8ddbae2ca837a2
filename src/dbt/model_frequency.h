// A model's frequency, read from its tags: the one tag that names a
// frequency declared in tributary.yml; untagged models run at the dbt
// block's default frequency.
#pragma once

#include <string>
#include <vector>

#include "config/frequency_rank.h"
#include "config/project.h"
#include "dbt/manifest.h"

namespace tributary {

struct FrequencyTags {
  std::vector<std::string> frequencies;  // tags that are declared frequency names
  // Tags that look like a frequency but are not declared (`hourlyy`, `weekly`).
  std::vector<std::string> lookalikes;
};

// Sorts a model's tags against the declared frequency names. Exact,
// case-sensitive matches only: frequency names are identifiers.
FrequencyTags ReadFrequencyTags(const DbtModel& model, const Project& project);

// True for a tag a person would read as a schedule: a close misspelling of a
// declared name, or a common schedule word (`weekly`, `5min`, `every_2_hours`).
bool LooksLikeFrequency(const std::string& tag, const std::vector<std::string>& declared);

// The frequency `model` runs at. With two frequency tags (an error that
// `validate` reports) the more frequent one, so a run never builds a model
// less often than one of its tags asks.
std::string ModelFrequency(const DbtModel& model, const Project& project,
                           const FrequencyRank& rank);

}  // namespace tributary
