#include "strategy/load.h"

#include "engine/pipeline.h"

namespace tributary {

LoadStats LoadQueryResult(TaskContext& ctx, const std::string& sql, WriteMode mode,
                          const std::optional<std::string>& state) {
  auto reader = ctx.source.Query(QueryTag(ctx) + sql);
  LoadSpec spec{ctx.task.sink_table, *reader->schema(), mode, ctx.task.id()};
  auto writer = ctx.sink.BeginLoad(spec);
  LoadStats stats = CopyAll(*reader, *writer, ctx.limits, ctx.progress, ctx.cancel);
  writer->Commit(state);
  return stats;
}

TableRef SourceTable(const Task& task) { return TableRef{task.source_schema, task.source_table}; }

}  // namespace tributary
