// The streaming part of a `cdc` run: from the stored position to the bound,
// through a reader thread and a bounded queue into sink segments, committed
// at transaction boundaries (every `commit_every` rows for a large backlog,
// and at the end), each commit acknowledged to the source after it.
#pragma once

#include <string>
#include <vector>

#include "source/cdc_reader.h"
#include "strategy/cdc_segment.h"
#include "strategy/cdc_state.h"
#include "strategy/strategy.h"

namespace tributary {

struct CdcRun {
  TaskContext& ctx;
  CdcReader& reader;
  CdcTables tables;
  Schema columns;  // the captured columns
  int64_t ingested_at = 0;
  std::string run_id;                    // stamped in `_run_id`; "" with load_metadata: false
  int64_t commit_every = 1'000'000;      // rows per sink commit in a backlog
  std::vector<std::string> key = {};     // the table's primary key
  std::vector<std::string> unsent = {};  // CdcTableInfo::unsent: filled by key
};

// Lands every change after state.checkpoint up to the bound the reader gives
// now; updates `state` as it commits. Returns the history rows written.
LoadStats LandChanges(CdcRun& run, CdcState& state);

}  // namespace tributary
