// Stamping rows with the load metadata columns (data/load_metadata.h): every
// row a load writes gets the load's start time in `_ingested_at` and its
// run's id in `_run_id`, after the table's own columns. The table option
// `load_metadata: false` turns it off.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "data/batch.h"
#include "source/source.h"

namespace tributary {

struct TaskContext;

// What one load stamps on its rows.
struct LoadStamp {
  int64_t ingested_at = 0;  // µs since the Unix epoch
  std::string run_id;
};

// The stamp of `ctx`'s load, taken now; nullopt when the table is configured
// with `load_metadata: false`.
std::optional<LoadStamp> StampOf(const TaskContext& ctx);

// `columns` followed by `_ingested_at` and `_run_id`. Throws Error naming the
// task when `columns` already has a column of either name.
Schema StampedSchema(const Schema& columns, const std::string& task_id);

// Appends `rows` copies of the stamp's time / run id to `column`.
void AppendIngestedAt(Column& column, size_t rows, const LoadStamp& stamp);
void AppendRunId(Column& column, size_t rows, const LoadStamp& stamp);

// A reader whose batches are `inner`'s rows with the two stamp columns after
// them. The stamp is filled on the thread that reads (the load's reader
// thread) and the inner columns are moved, not copied. `inner` must outlive
// it. Throws as StampedSchema.
std::unique_ptr<Reader> StampRows(Reader& inner, const LoadStamp& stamp,
                                  const std::string& task_id);

}  // namespace tributary
