#pragma once

#include "strategy/strategy.h"

namespace tributary {

class FullStrategy final : public Strategy {
 public:
  LoadStats Run(TaskContext& ctx) override;
};

}  // namespace tributary
