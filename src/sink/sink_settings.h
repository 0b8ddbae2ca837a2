// Reading a sink's settings from tributary.yml (validated against
// config/settings.cc when the project loaded) into its options.
#pragma once

#include <string>

#include "config/project.h"

namespace tributary {

// The sink's setting `key` as written, or `fallback` when it is not set.
std::string SinkSetting(const SinkConfig& sink, const std::string& key,
                        const std::string& fallback);

// The sink's setting `key` of the project, its ${env:}/${file:} references
// resolved (relative to the project folder); empty when not set. Call only
// when connecting: the value may be a secret, never to be shown.
std::string ResolvedSinkSetting(const Project& project, const std::string& key);

// The sink's `threads`: 0 when not set. Throws SinkError naming the sink kind
// when it is not a whole number of 1 or more.
int SinkThreads(const SinkConfig& sink);

}  // namespace tributary
