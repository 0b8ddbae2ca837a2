// Suggestions for misspelt names in errors ("did you mean 'hourly'?").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tributary {

// Levenshtein distance, case-insensitive.
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is close enough to be a plausible
// typo (distance at most a third of the word's length, minimum 1).
std::optional<std::string> ClosestMatch(std::string_view word,
                                        const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "" — ready to append to a message.
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);

// "a, b, c" — for "known: …" hints.
std::string JoinNames(const std::vector<std::string>& names);

}  // namespace tributary
