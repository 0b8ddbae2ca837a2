// The postgresql sink kind as engine/connectors.cc binds it.
#pragma once

#include <memory>

#include "config/project.h"
#include "sink/sink.h"

namespace tributary {

// Opens the project's `kind: postgresql` sink, resolving secret references
// only here. Throws SinkError (never showing a secret) when it cannot.
std::unique_ptr<Sink> OpenPostgresSink(const Project& project);

}  // namespace tributary
