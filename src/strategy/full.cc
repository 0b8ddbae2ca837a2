// full: copy every row and column of a table and replace the sink table with
// it atomically — readers of the sink see the old table or the new one.
#include "strategy/full.h"

#include "strategy/load.h"

namespace tributary {

LoadStats FullStrategy::Run(TaskContext& ctx) {
  TableRef ref = SourceTable(ctx.task);
  Schema columns = ctx.source.DescribeTable(ref);
  return LoadTableColumns(ctx, columns, WriteMode::kReplace);
}

}  // namespace tributary
