// The delta sink kind as engine/connectors.cc binds it.
#pragma once

#include <memory>

#include "config/project.h"
#include "sink/sink.h"

namespace tributary {

// Opens the project's `kind: delta` sink (tables under `path`). Throws
// SinkError on bad settings.
std::unique_ptr<Sink> OpenDeltaSink(const Project& project);

}  // namespace tributary
