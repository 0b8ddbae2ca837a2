#include "strategy/query.h"

#include "common/error.h"
#include "strategy/load.h"

namespace tributary {

LoadStats QueryStrategy::Run(TaskContext& ctx) {
  const auto& opts = ctx.task.options;
  if (opts.query.empty()) {
    throw Error("strategy query needs a 'query' for table '" + ctx.task.source_table + "'");
  }
  WriteMode mode = opts.mode == "append" ? WriteMode::kAppend : WriteMode::kReplace;
  return LoadQueryResult(ctx, opts.query, mode);
}

}  // namespace tributary
