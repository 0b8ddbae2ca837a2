// The postgresql sink kind as engine/connectors.cc binds it.
#pragma once

#include <memory>

#include "config/project.h"
#include "sink/sink.h"

namespace tributary {

// Opens the project's `kind: postgresql` sink, resolving secret references
// only here. Throws SinkError (never showing a secret) when it cannot.
std::unique_ptr<Sink> OpenPostgresSink(const Project& project);

// `tributary check`: connects as the sink's user, creates the schemas when
// missing (as a run would) and checks the user may create tables in the
// sink's schema and write tributary's records. Throws SinkError saying what
// to grant.
SinkCheck CheckPostgresSink(const Project& project);

}  // namespace tributary
