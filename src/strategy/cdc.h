// cdc: the change history of a table. The first run takes a snapshot that
// the source's change stream continues exactly; every run then lands the
// changes committed since, up to the log position current at its start, as
// rows appended to the history table (never deleted by tributary), plus,
// with `current: true`, a current-state table kept in the same commit. The
// position commits with the rows and only then is acknowledged to the
// source. Works with any CdcReader (source/cdc_reader.h); see docs/cdc.md.
#pragma once

#include "strategy/strategy.h"

namespace tributary {

class CdcStrategy final : public Strategy {
 public:
  LoadStats Run(TaskContext& ctx) override;
};

}  // namespace tributary
