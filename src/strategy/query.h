#pragma once

#include "strategy/strategy.h"

namespace tributary {

// query: run the table's custom SQL at the source; `mode: overwrite` (default)
// replaces the sink table atomically, `mode: append` adds the rows.
class QueryStrategy final : public Strategy {
 public:
  LoadStats Run(TaskContext& ctx) override;
};

}  // namespace tributary
