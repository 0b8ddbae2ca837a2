#include "strategy/load.h"

#include "strategy/load_stamp.h"
#include "strategy/pipeline.h"

namespace tributary {

namespace {

LoadStats LoadAll(TaskContext& ctx, Reader& source_reader, WriteMode mode,
                  const std::optional<std::string>& state) {
  std::optional<LoadStamp> stamp = StampOf(ctx);
  std::unique_ptr<Reader> stamped =
      stamp ? StampRows(source_reader, *stamp, ctx.task.id()) : nullptr;
  Reader& reader = stamped ? *stamped : source_reader;
  LoadSpec spec{ctx.task.sink_table, *reader.schema(), mode};
  spec.partition_by = ctx.task.options.partition_by;
  spec.properties = ctx.task.options.table_properties;
  spec.keep_dropped_columns = ctx.task.options.keep_dropped_columns;
  auto transaction = ctx.sink.Begin(ctx.task.id());
  TableWriter& writer = transaction->Open(spec);
  LoadStats stats = CopyAll(reader, writer, ctx.limits, ctx.progress, ctx.cancel);
  CommitTimed(*transaction, state, ctx.task.id());
  return stats;
}

}  // namespace

LoadStats LoadQueryResult(TaskContext& ctx, const std::string& sql, WriteMode mode,
                          const std::optional<std::string>& state) {
  auto reader = ctx.source.Query(QueryTag(ctx) + sql);
  return LoadAll(ctx, *reader, mode, state);
}

LoadStats LoadTableColumns(TaskContext& ctx, const Schema& columns, WriteMode mode,
                           const std::string& where, const std::optional<std::string>& state) {
  ReadRequest request{SourceTable(ctx.task), columns, where, ctx.task.options.parallelism,
                      QueryTag(ctx)};
  auto reader = ctx.source.Read(request);
  return LoadAll(ctx, *reader, mode, state);
}

TableRef SourceTable(const Task& task) { return TableRef{task.source_schema, task.source_table}; }

}  // namespace tributary
