// A strategy owns the logic of one kind of load (full, query, ...). It sees
// only interfaces — a Source, a Sink — so the same strategy serves every
// database.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "config/project.h"
#include "data/batch.h"
#include "sink/sink.h"
#include "source/cdc_reader.h"
#include "source/source.h"
#include "strategy/pipeline.h"

namespace tributary {

// What a run asks of a task beyond its regular load.
struct Reload {
  enum class Kind {
    kNone,
    kFullRefresh,  // forget the stored state and rebuild the sink table from the source
    kBackfill,     // re-read a watermark range [from, to) (empty: unbounded) without duplicates
  };
  Kind kind = Kind::kNone;
  std::string from = {};
  std::string to = {};
  // cdc backfill: take over a capture stream another sink holds (logged;
  // that sink's capture then stops with a gap). See docs/cdc.md.
  bool take_over = false;
};

// Everything a strategy may touch while loading one task. The references
// outlive the call to Strategy::Run.
struct TaskContext {
  const Task& task;
  Source& source;
  Sink& sink;
  const Clock& clock;
  TaskProgress& progress;
  std::string run_id;
  BatchLimits limits;
  const std::atomic<bool>* cancel = nullptr;  // set when the run is shutting down
  Reload reload = {};
  // Opens the change reader of the task's table (strategy cdc); set by the
  // runner for servers that have one.
  std::function<std::unique_ptr<CdcReader>()> open_cdc = nullptr;
};

class Strategy {
 public:
  virtual ~Strategy() = default;
  // Loads the task end to end and commits. Throws on failure, leaving the
  // sink as it was before the call.
  virtual LoadStats Run(TaskContext& ctx) = 0;
};

// Throws Error for an unknown or not yet implemented strategy name.
std::unique_ptr<Strategy> MakeStrategy(std::string_view name);

// A leading SQL comment that lets a DBA find tributary's queries in the
// source's activity views and query history.
std::string QueryTag(const TaskContext& ctx);

}  // namespace tributary
