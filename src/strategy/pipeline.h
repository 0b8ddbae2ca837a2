// The load pipeline of one table: reader thread → bounded queue → sink.
#pragma once

#include <atomic>

#include "sink/sink.h"
#include "source/source.h"
#include "strategy/strategy.h"

namespace tributary {

// Streams every batch of `reader` into `writer` (does not commit). The reader
// runs on a thread of its own and the writer on the calling thread, joined by
// a queue of at most `queue_depth` batches, so at most queue_depth + 2
// batches are in memory at once. An exception on either side stops both and
// is rethrown here; `cancel` (optional) stops both with CancelledError.
LoadStats CopyAll(Reader& reader, TableWriter& writer, const BatchLimits& limits,
                  TaskProgress& progress, const std::atomic<bool>* cancel = nullptr,
                  size_t queue_depth = 4);

}  // namespace tributary
