// Opens the CdcReader of a task's table for its server kind; the one place
// that knows which kinds have a change stream.
#pragma once

#include <memory>

#include "config/project.h"
#include "source/cdc_reader.h"

namespace tributary {

// Throws SourceError for a kind without CDC or when connecting fails.
std::unique_ptr<CdcReader> OpenCdcReader(const Project& project, const ServerConfig& server,
                                         const Task& task);

}  // namespace tributary
