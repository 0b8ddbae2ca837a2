// The binding of connector kinds (config/kinds.h) to their implementations —
// the one place that knows them — and the seam through which the runner
// opens sources, so a test can hand it a source that fails, hangs or is slow
// without a database.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/project.h"
#include "sink/sink.h"
#include "source/cdc_reader.h"
#include "source/source.h"

namespace tributary {

// How the runner opens what a task reads. Both must be callable from several
// threads at once (tasks run in parallel).
struct Connectors {
  std::function<std::unique_ptr<Source>(const Project&, const ServerConfig&,
                                        const std::string& database)>
      open_source;
  std::function<std::unique_ptr<CdcReader>(const Project&, const ServerConfig&, const Task&)>
      open_cdc_reader;
};

// The real implementations: OpenSource and OpenCdcReader below.
const Connectors& RealConnectors();

// Connects to `database` on `server`. Throws SourceError naming server and
// database (never a secret) when the kind has no source or the connection
// fails.
std::unique_ptr<Source> OpenSource(const Project& project, const ServerConfig& server,
                                   const std::string& database);

// The change reader of a cdc task. Throws SourceError when the server's kind
// has no change reader or it cannot connect.
std::unique_ptr<CdcReader> OpenCdcReader(const Project& project, const ServerConfig& server,
                                         const Task& task);

// Opens the project's sink. Throws SinkError when it cannot.
std::unique_ptr<Sink> OpenSink(const Project& project);

// `tributary check`'s look at the sink: opened as a run opens it — never
// waiting for another process holding a DuckDB file (reported busy) — and,
// for a Delta store, a probe object written and deleted. Throws SinkError
// when it cannot be reached or written.
SinkCheck CheckSink(const Project& project);

// The sink was held by another process (a run loading) and reading it would
// have meant waiting.
class SinkBusyError : public SinkError {
 public:
  using SinkError::SinkError;
};

// The run history `status` shows: OpenSink(project)'s, except that a DuckDB
// sink file another process holds (a run loading) is not waited for — the
// history then comes from the snapshot that process keeps beside the file,
// and `note` (when given) says so. Without a snapshot it waits for the file
// when `wait`, else throws SinkBusyError. Throws SinkError.
std::vector<TaskHistory> ReadStatusHistory(const Project& project, std::string* note,
                                           bool wait = true);

// The project's sink opened to read its run history now: a DuckDB file
// another process holds is not waited for (SinkBusyError). Other kinds: as
// OpenSink. Throws SinkError.
std::unique_ptr<Sink> OpenSinkForReading(const Project& project);

// The kinds bound here, for the test that every kinds-table row has an
// implementation and every implementation a row.
std::vector<std::string> BoundSourceKinds();
std::vector<std::string> BoundCdcKinds();
std::vector<std::string> BoundSinkKinds();

}  // namespace tributary
