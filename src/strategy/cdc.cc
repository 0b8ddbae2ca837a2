#include "strategy/cdc.h"

#include <fmt/format.h>

#include "common/error.h"
#include "common/fault_point.h"
#include "strategy/cdc_changes.h"
#include "strategy/cdc_segment.h"
#include "strategy/cdc_state.h"
#include "strategy/pipeline.h"

namespace tributary {
namespace {

CdcTables Tables(const TaskContext& ctx, const CdcTableInfo& table) {
  CdcTables tables;
  tables.history = ctx.task.sink_table;
  if (!ctx.task.options.current) return tables;
  if (table.key.empty()) {
    throw Error(fmt::format(
        "task '{}': `current: true` keeps one row per primary key, and the source table has "
        "none; add a primary key at the source or drop `current`",
        ctx.task.id()));
  }
  tables.current = CurrentTableName(ctx.task.sink_table);
  tables.key = table.key;
  return tables;
}

int64_t Micros(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

// A fresh snapshot that the stream continues: the rows land with the new
// position in one commit; the current table becomes exactly the snapshot.
// The capture this sink owns (source/cdc_reader.h, CdcOwner).
CdcOwner Owner(const TaskContext& ctx, const std::optional<CdcState>& state) {
  CdcOwner owner{ctx.sink.Identity(), std::nullopt, ctx.reload.take_over};
  if (state) owner.stored = state->checkpoint;
  return owner;
}

LoadStats LoadSnapshot(CdcRun& run, std::optional<CdcState>& state) {
  TaskContext& ctx = run.ctx;
  CdcSnapshot snapshot = run.reader.Snapshot(CdcSnapshotRequest{
      ctx.task.options.parallelism, run.ingested_at, QueryTag(ctx), Owner(ctx, state)});
  CdcState next{snapshot.checkpoint, snapshot.checkpoint.position};
  if (state && next.checkpoint.position < state->checkpoint.position) {
    throw Error(fmt::format("task '{}': the new snapshot's position {} is before the stored {}",
                            ctx.task.id(), next.checkpoint.position, state->checkpoint.position));
  }
  CdcSegment segment(ctx.sink, ctx.task.id(), run.tables, snapshot.rows->schema(),
                     CurrentMode::kReplace, "", run.run_id);
  CdcSegmentWriter writer(segment);
  LoadStats stats = CopyAll(*snapshot.rows, writer, ctx.limits, ctx.progress, ctx.cancel);
  FaultPoint("cdc.snapshot_written");
  segment.Commit(next.ToJson());
  FaultPoint("cdc.snapshot_committed");
  state = next;
  return stats;
}

// A backfill or full refresh takes a fresh snapshot: its rows are appended
// to the history (which is never deleted) and capture continues from it.
bool Resnapshot(const TaskContext& ctx) {
  const Reload& reload = ctx.reload;
  if (reload.kind == Reload::Kind::kNone) return false;
  if (!reload.from.empty() || !reload.to.empty()) {
    throw Error(fmt::format(
        "task '{}': a cdc table is backfilled whole (a fresh snapshot appended to its history); "
        "drop --from and --to",
        ctx.task.id()));
  }
  return true;
}

}  // namespace

LoadStats CdcStrategy::Run(TaskContext& ctx) {
  if (!ctx.open_cdc) {
    throw Error(
        fmt::format("task '{}': strategy cdc needs a change reader for its server", ctx.task.id()));
  }
  std::unique_ptr<CdcReader> reader = ctx.open_cdc();
  CdcTableInfo table = reader->DescribeTable();
  std::string run_id = ctx.task.options.load_metadata ? ctx.run_id : "";
  CdcRun run{ctx, *reader, Tables(ctx, table), table.columns, Micros(ctx.clock.Now()), run_id};
  if (ctx.task.options.commit_every > 0) run.commit_every = ctx.task.options.commit_every;
  run.key = table.key;
  run.unsent = table.unsent;
  reader->CheckPrerequisites();

  std::optional<CdcState> state;
  if (auto stored = ctx.sink.ReadState(ctx.task.id())) {
    state = CdcState::FromJson(*stored, ctx.task.id());
  }
  LoadStats stats;
  if (!state || Resnapshot(ctx)) {
    stats = LoadSnapshot(run, state);
  } else {
    reader->CheckResume(state->checkpoint);
  }
  LoadStats changes = LandChanges(run, *state);
  stats.rows += changes.rows;
  stats.bytes += changes.bytes;
  return stats;
}

}  // namespace tributary
