// The delta sink kind as engine/connectors.cc binds it.
#pragma once

#include <memory>

#include "config/project.h"
#include "sink/sink.h"
#include "store/object_store.h"

namespace tributary {

// Opens the project's `kind: delta` sink (tables under `path`). Throws
// SinkError on bad settings.
std::unique_ptr<Sink> OpenDeltaSink(const Project& project);

// The store of the project's delta sink (its `path`, a project-relative
// directory or a URL, and its storage settings), checked to be reachable.
// Throws SinkError naming the path and the fix.
std::unique_ptr<ObjectStore> OpenDeltaStore(const Project& project);

// `tributary check`: the store opens and a probe object under _tributary/
// can be written and deleted (local folders too). Throws SinkError.
SinkCheck CheckDeltaSink(const Project& project);

}  // namespace tributary
