#include "strategy/load_stamp.h"

#include <fmt/format.h>

#include <chrono>
#include <utility>

#include "common/error.h"
#include "data/load_metadata.h"
#include "strategy/strategy.h"

namespace tributary {
namespace {

class StampedReader final : public Reader {
 public:
  StampedReader(Reader& inner, LoadStamp stamp, const std::string& task_id)
      : inner_(inner),
        schema_(std::make_shared<const Schema>(StampedSchema(*inner.schema(), task_id))),
        stamp_(std::move(stamp)) {}

  const std::shared_ptr<const Schema>& schema() const override { return schema_; }

  bool Next(Batch& batch, const BatchLimits& limits) override {
    Batch rows(inner_.schema());
    if (!inner_.Next(rows, limits)) return false;
    size_t columns = rows.num_columns();
    size_t n = rows.num_rows();
    bool empty = batch.num_rows() == 0;
    for (size_t c = 0; c < columns; ++c) {
      if (empty) {
        std::swap(batch.column(c), rows.column(c));
      } else {
        for (size_t r = 0; r < n; ++r) batch.column(c).AppendFrom(rows.column(c), r);
      }
    }
    AppendIngestedAt(batch.column(columns), n, stamp_);
    AppendRunId(batch.column(columns + 1), n, stamp_);
    return true;
  }

 private:
  Reader& inner_;
  std::shared_ptr<const Schema> schema_;
  LoadStamp stamp_;
};

}  // namespace

std::optional<LoadStamp> StampOf(const TaskContext& ctx) {
  if (!ctx.task.options.load_metadata) return std::nullopt;
  auto now =
      std::chrono::duration_cast<std::chrono::microseconds>(ctx.clock.Now().time_since_epoch());
  return LoadStamp{now.count(), ctx.run_id};
}

Schema StampedSchema(const Schema& columns, const std::string& task_id) {
  for (const Field& f : columns.fields) {
    if (IsLoadMetadataColumn(f.name)) {
      throw Error(fmt::format(
          "task '{}': the source has a column named '{}', the name of a load metadata column "
          "tributary adds to every bronze table; rename it in the source query (strategy query), "
          "leave it out (selected_columns), or set `load_metadata: false` on the table",
          task_id, f.name));
    }
  }
  Schema schema = columns;
  schema.fields.push_back(IngestedAtField());
  schema.fields.push_back(RunIdField());
  return schema;
}

void AppendIngestedAt(Column& column, size_t rows, const LoadStamp& stamp) {
  column.Reserve(column.size() + rows);
  for (size_t r = 0; r < rows; ++r) column.Append<int64_t>(stamp.ingested_at);
}

void AppendRunId(Column& column, size_t rows, const LoadStamp& stamp) {
  column.Reserve(column.size() + rows);
  for (size_t r = 0; r < rows; ++r) column.AppendBytes(stamp.run_id);
}

std::unique_ptr<Reader> StampRows(Reader& inner, const LoadStamp& stamp,
                                  const std::string& task_id) {
  return std::make_unique<StampedReader>(inner, stamp, task_id);
}

}  // namespace tributary
