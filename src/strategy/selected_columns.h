#pragma once

#include "strategy/strategy.h"

namespace tributary {

// selected_columns: copy only the listed columns (in the listed order) and
// replace the sink table atomically. A listed column the source table does
// not have fails the task, naming it and the columns that exist.
class SelectedColumnsStrategy final : public Strategy {
 public:
  LoadStats Run(TaskContext& ctx) override;
};

}  // namespace tributary
