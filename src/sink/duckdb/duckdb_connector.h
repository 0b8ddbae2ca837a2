// The duckdb sink kind as engine/connectors.cc binds it.
#pragma once

#include <memory>

#include "config/project.h"
#include "sink/sink.h"

namespace tributary {

// Opens the project's `kind: duckdb` sink. Throws SinkError on bad settings or
// when the file cannot be opened.
std::unique_ptr<Sink> OpenDuckDbSink(const Project& project);

}  // namespace tributary
