// Opens the project's Sink; the one place that knows every sink kind.
#pragma once

#include <memory>

#include "config/project.h"
#include "sink/sink.h"

namespace tributary {

// Throws SinkError when the sink cannot be opened.
std::unique_ptr<Sink> OpenSink(const Project& project);

}  // namespace tributary
