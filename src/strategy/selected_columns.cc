#include "strategy/selected_columns.h"

#include <fmt/format.h>

#include "common/error.h"
#include "strategy/load.h"

namespace tributary {
namespace {

std::string ColumnList(const Schema& schema) {
  std::string out;
  for (const auto& f : schema.fields) out += (out.empty() ? "" : ", ") + f.name;
  return out;
}

}  // namespace

LoadStats SelectedColumnsStrategy::Run(TaskContext& ctx) {
  TableRef ref = SourceTable(ctx.task);
  Schema available = ctx.source.DescribeTable(ref);
  Schema chosen;
  for (const auto& name : ctx.task.options.columns) {
    int i = available.IndexOf(name);
    if (i < 0) {
      throw SourceError(fmt::format("column '{}' does not exist in table '{}' ({}); it has: {}",
                                    name, ctx.task.source_table, ctx.source.Describe(),
                                    ColumnList(available)));
    }
    chosen.fields.push_back(available.fields[static_cast<size_t>(i)]);
  }
  if (chosen.fields.empty()) throw Error("selected_columns needs at least one column in 'columns'");
  return LoadTableColumns(ctx, chosen, WriteMode::kReplace);
}

}  // namespace tributary
