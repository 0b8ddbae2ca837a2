// The load metadata columns: every bronze table carries, after its own
// columns, when each row landed and which run landed it, so a row can be
// traced to `tributary runs <run_id>` and a reader can tell how fresh it is.
// A CDC history already leads with `_ingested_at` among its change metadata
// (source/cdc_reader.h); it gets `_run_id` after its columns. One name per
// meaning across strategies and sinks.
#pragma once

#include <string_view>

#include "data/types.h"

namespace tributary {

inline constexpr const char* kIngestedAtColumn = "_ingested_at";  // timestamptz: the load's start
inline constexpr const char* kRunIdColumn = "_run_id";            // text: the run that landed it

Field IngestedAtField();
Field RunIdField();

// True for either name (compared as written: sinks fold case themselves).
bool IsLoadMetadataColumn(std::string_view name);

}  // namespace tributary
