// Why `>=` and a delete window rather than `>`: rows that share the boundary
// value with the last run's largest one may commit after that run read. Each
// run re-reads from the watermark itself (minus the lookback) and, without a
// key, first deletes that window in the sink, in the same transaction — so
// boundary rows are neither lost nor duplicated. With a key, the re-read rows
// are merged, which is idempotent by itself.
#include "strategy/incremental.h"

#include <fmt/format.h>

#include "common/error.h"
#include "data/value_text.h"
#include "strategy/load.h"
#include "strategy/load_stamp.h"
#include "strategy/pipeline.h"
#include "strategy/watermark.h"

namespace tributary {
namespace {

// How this run reads and writes: the predicate, the write mode, the window.
struct Plan {
  std::string where;
  std::string from, to;  // the exact range read, canonical; empty: unbounded
  WriteMode mode = WriteMode::kAppend;
  std::optional<DeleteWindow> window;
  std::optional<std::string> previous;  // the watermark before this run
  // Set when nothing may need writing: a plain run re-reading from the
  // watermark itself, with the digest of the rows it re-reads if unchanged.
  std::optional<RowDigest> unchanged;
};

const Field& WatermarkField(const TaskContext& ctx, const Schema& columns) {
  const auto& name = ctx.task.options.watermark_column;
  int at = columns.IndexOf(name);
  if (at < 0) {
    throw SourceError(fmt::format("watermark column '{}' does not exist in table '{}' ({})", name,
                                  ctx.task.source_table, ctx.source.Describe()));
  }
  const Field& field = columns.fields[static_cast<size_t>(at)];
  if (!IsWatermarkType(field.type)) {
    throw Error(
        fmt::format("watermark column '{}' of table '{}' is {}, which has no reliable order; use a "
                    "timestamp, date, integer or decimal column",
                    name, ctx.task.source_table, TypeName(field.type)));
  }
  return field;
}

void CheckKey(const TaskContext& ctx, const Schema& columns) {
  for (const auto& k : ctx.task.options.primary_key) {
    if (columns.IndexOf(k) < 0) {
      throw SourceError(fmt::format("primary_key column '{}' does not exist in table '{}' ({})", k,
                                    ctx.task.source_table, ctx.source.Describe()));
    }
  }
}

std::string Canonical(const Field& field, const std::string& text) {
  Column c(field.type);
  AppendValueText(c, text);
  return ValueText(c, 0);
}

// The watermark committed before, or adopted from the sink table's largest
// value when the table was loaded before it had state.
std::optional<WatermarkState> StoredWatermark(TaskContext& ctx, const Field& field) {
  auto stored = ctx.sink.ReadState(ctx.task.id());
  if (!stored) {
    auto adopted = ctx.sink.ColumnMax(ctx.task.sink_table, field.name);
    if (!adopted) return std::nullopt;
    if (*adopted == "infinity") {  // resuming from it would hide every later row
      throw Error(fmt::format(
          "task '{}': the largest '{}' in sink table '{}' is infinity, so there is no watermark "
          "to resume from; reload the table with `tributary run --full-refresh --tables {}`",
          ctx.task.id(), field.name, ctx.task.sink_table, ctx.task.id()));
    }
    // The sink may store another type (UTC timestamps).
    return WatermarkState{field.name, field.type, Canonical(field, *adopted), std::nullopt};
  }
  WatermarkState state = WatermarkState::FromJson(*stored, ctx.task.id());
  if (state.value.empty()) return std::nullopt;  // committed before any row had a value
  if (state.column != field.name) {
    throw Error(fmt::format(
        "task '{}': the stored watermark is on column '{}' but the config now names '{}'; "
        "reload the table with `tributary run --full-refresh --tables {}`",
        ctx.task.id(), state.column, field.name, ctx.task.id()));
  }
  return state;
}

// A window re-read from `from` (to `to`): merged with a key, else replaced.
Plan Window(const TaskContext& ctx, const Field& field, const std::string& from,
            const std::string& to) {
  Plan plan;
  plan.where = ctx.source.dialect().RangePredicate(field.name, field.type, from, to);
  plan.from = from;
  plan.to = to;
  if (ctx.task.options.primary_key.empty()) {
    plan.window = DeleteWindow{field.name, from, to};
  } else {
    plan.mode = WriteMode::kMerge;
  }
  return plan;
}

// Everything: a fresh table, a full refresh, or a backfill without range.
Plan Everything(const TaskContext& ctx, bool rebuild) {
  Plan plan;
  bool keyed = !ctx.task.options.primary_key.empty();
  plan.mode = rebuild || !keyed ? WriteMode::kReplace : WriteMode::kMerge;
  return plan;
}

Plan MakePlan(TaskContext& ctx, const Field& field) {
  const Reload& reload = ctx.reload;
  if (reload.kind == Reload::Kind::kFullRefresh) return Everything(ctx, true);
  auto state = StoredWatermark(ctx, field);
  std::optional<std::string> previous;
  if (state) previous = state->value;
  Plan plan;
  if (reload.kind == Reload::Kind::kBackfill) {
    if (reload.from.empty() && reload.to.empty()) {
      plan = Everything(ctx, false);
    } else {
      plan = Window(ctx, field, reload.from.empty() ? "" : Canonical(field, reload.from),
                    reload.to.empty() ? "" : Canonical(field, reload.to));
    }
  } else if (!previous) {
    plan = Everything(ctx, false);
    if (plan.mode == WriteMode::kReplace) plan.mode = WriteMode::kAppend;  // the table is empty
  } else {
    std::string from = *previous;
    auto lookback = ParseLookback(ctx.task.options.lookback);
    if (lookback) from = SubtractLookback(field.type, from, *lookback);
    plan = Window(ctx, field, from, "");
    if (!lookback) plan.unchanged = state->boundary;
  }
  plan.previous = previous;
  return plan;
}

// Hands out the batches read ahead first, then the rest of `inner`.
class PrefetchReader final : public Reader {
 public:
  // Reads ahead up to about one batch's worth, or to the end if it is less.
  PrefetchReader(Reader& inner, const BatchLimits& limits) : inner_(inner) {
    size_t bytes = 0;
    while (bytes < limits.max_bytes && ahead_.size() < 2) {
      Batch batch(inner_.schema());
      if (!inner_.Next(batch, limits)) {
        exhausted_ = true;
        break;
      }
      bytes += batch.ByteSize();
      ahead_.push_back(std::move(batch));
    }
  }
  const std::shared_ptr<const Schema>& schema() const override { return inner_.schema(); }
  bool Next(Batch& batch, const BatchLimits& limits) override {
    if (next_ < ahead_.size()) {
      batch = std::move(ahead_[next_++]);
      return true;
    }
    return !exhausted_ && inner_.Next(batch, limits);
  }
  // Whether every row of the result was read ahead.
  bool complete() const { return exhausted_; }
  const std::vector<Batch>& ahead() const { return ahead_; }

 private:
  Reader& inner_;
  std::vector<Batch> ahead_;
  size_t next_ = 0;
  bool exhausted_ = false;
};

class DiscardWriter final : public TableWriter {
 public:
  void Write(const Batch&) override {}
};

// True when the re-read window holds exactly the rows the last run landed at
// the watermark (and at +infinity): the sink already has them and the state
// would not change, so the run writes nothing — no transaction at all.
bool Unchanged(const Plan& plan, const PrefetchReader& reader, size_t index, const DataType& type) {
  if (!plan.unchanged || !reader.complete()) return false;
  DiscardWriter discard;
  WatermarkTracker probe(discard, index, type, plan.from, plan.to);
  for (const Batch& batch : reader.ahead()) probe.Write(batch);
  RowDigest read = probe.boundary();
  return probe.max() == plan.previous && read == *plan.unchanged && read.rows == probe.rows_kept();
}

}  // namespace

LoadStats IncrementalStrategy::Run(TaskContext& ctx) {
  TableRef ref = SourceTable(ctx.task);
  Schema columns = ctx.source.DescribeTable(ref);
  const Field& field = WatermarkField(ctx, columns);
  CheckKey(ctx, columns);
  Plan plan = MakePlan(ctx, field);

  ReadRequest request{ref, columns, plan.where, ctx.task.options.parallelism, QueryTag(ctx)};
  auto source_reader = ctx.source.Read(request);
  auto index = static_cast<size_t>(source_reader->schema()->IndexOf(field.name));
  PrefetchReader prefetch(*source_reader, ctx.limits);
  if (Unchanged(plan, prefetch, index, field.type)) return LoadStats{};
  std::optional<LoadStamp> stamp = StampOf(ctx);
  std::unique_ptr<Reader> stamped = stamp ? StampRows(prefetch, *stamp, ctx.task.id()) : nullptr;
  Reader& reader = stamped ? *stamped : prefetch;

  LoadSpec spec{ctx.task.sink_table, *reader.schema(), plan.mode, ctx.task.options.primary_key};
  spec.delete_window = plan.window;
  auto transaction = ctx.sink.Begin(ctx.task.id());
  WatermarkTracker tracker(transaction->Open(spec), index, field.type, plan.from, plan.to,
                           source_reader->schema()->fields.size());
  LoadStats stats = CopyAll(reader, tracker, ctx.limits, ctx.progress, ctx.cancel);
  stats.rows -= tracker.rows_dropped();

  // The watermark never moves back: a backfill of an old range keeps it.
  std::optional<std::string> reached = tracker.max();
  bool keep = ctx.reload.kind != Reload::Kind::kFullRefresh;
  if (keep && plan.previous) {
    reached = reached ? MaxValueText(field.type, *plan.previous, *reached) : plan.previous;
  }
  WatermarkState state{field.name, field.type, reached.value_or(""), std::nullopt};
  // The boundary is known when this run read every row from the watermark up.
  if (plan.to.empty() && tracker.max() == reached) state.boundary = tracker.boundary();
  CommitTimed(*transaction, state.ToJson(), ctx.task.id());
  return stats;
}

}  // namespace tributary
