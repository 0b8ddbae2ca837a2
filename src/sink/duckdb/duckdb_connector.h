// The duckdb sink kind as engine/connectors.cc binds it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/project.h"
#include "sink/sink.h"

namespace tributary {

// Opens the project's `kind: duckdb` sink. Throws SinkError on bad settings or
// when the file cannot be opened.
std::unique_ptr<Sink> OpenDuckDbSink(const Project& project);

// `tributary check`: opens (or creates) the file as a run does, without
// waiting for another process that holds it (that is reported as busy).
// Throws SinkError when the file cannot be opened or written.
SinkCheck CheckDuckDbSink(const Project& project);

// The sink without waiting for a file another process holds: throws
// DuckFileBusyError at once then (for readers that must not block).
std::unique_ptr<Sink> OpenDuckDbSinkNow(const Project& project);

// The run history for `status`. While another process holds the file (a run
// loading), it is not waited for: the history comes from the snapshot that
// process keeps beside it (history_snapshot.h) and `note` says so. Without a
// snapshot, waits for the file as OpenDuckDbSink does when `wait`, else
// throws DuckFileBusyError.
std::vector<TaskHistory> ReadDuckDbStatusHistory(const Project& project, std::string* note,
                                                 bool wait);

}  // namespace tributary
