#include "strategy/strategy.h"

#include <fmt/format.h>

#include "common/error.h"
#include "strategy/cdc.h"
#include "strategy/full.h"
#include "strategy/incremental.h"
#include "strategy/query.h"
#include "strategy/selected_columns.h"

namespace tributary {

std::unique_ptr<Strategy> MakeStrategy(std::string_view name) {
  if (name == "full") return std::make_unique<FullStrategy>();
  if (name == "query") return std::make_unique<QueryStrategy>();
  if (name == "selected_columns") return std::make_unique<SelectedColumnsStrategy>();
  if (name == "incremental") return std::make_unique<IncrementalStrategy>();
  if (name == "cdc") return std::make_unique<CdcStrategy>();
  throw Error(fmt::format("unknown strategy '{}'", name));
}

std::string QueryTag(const TaskContext& ctx) {
  // Comment text must not close the comment early: names are sanitised.
  auto clean = [](std::string s) {
    for (size_t p; (p = s.find("*/")) != std::string::npos;) s.replace(p, 2, "* /");
    return s;
  };
  return fmt::format("/* tributary run={} task={} strategy={} */ ", clean(ctx.run_id),
                     clean(ctx.task.id()), clean(ctx.task.strategy));
}

}  // namespace tributary
