// The step every SQL-based strategy ends with: run one query at the source
// and land its result in the task's sink table.
#pragma once

#include <optional>
#include <string>

#include "strategy/strategy.h"

namespace tributary {

// Runs `sql` (prefixed with the query tag) and writes its rows to the task's
// sink table with `mode`, then commits together with `state` (if any).
LoadStats LoadQueryResult(TaskContext& ctx, const std::string& sql, WriteMode mode,
                          const std::optional<std::string>& state = std::nullopt);

// Reads `columns` of the task's source table (those rows matching `where`,
// when given; in parallel when the task's parallelism and the source allow)
// and writes them like LoadQueryResult.
LoadStats LoadTableColumns(TaskContext& ctx, const Schema& columns, WriteMode mode,
                           const std::string& where = "",
                           const std::optional<std::string>& state = std::nullopt);

// The source table of the task as a TableRef.
TableRef SourceTable(const Task& task);

}  // namespace tributary
