// incremental: read only the rows whose watermark column is at or past the
// stored watermark (minus the lookback), and commit the new watermark with
// them. See docs/incremental.md for the exact rules.
#pragma once

#include "strategy/strategy.h"

namespace tributary {

class IncrementalStrategy final : public Strategy {
 public:
  LoadStats Run(TaskContext& ctx) override;
};

}  // namespace tributary
