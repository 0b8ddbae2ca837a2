#include "strategy/cdc_changes.h"

#include <fmt/format.h>

#include <exception>
#include <thread>

#include "common/bounded_queue.h"
#include "common/error.h"
#include "common/fault_point.h"
#include "common/log.h"
#include "common/thread_name.h"
#include "strategy/cdc_unchanged.h"

namespace tributary {
namespace {

// A truncate in a transaction whose earlier rows already reached the current
// table of the open segment: read again so that a segment ends just before
// that transaction, and keep its rows before the truncate out of the
// current table.
struct TruncateCut {
  std::string lsn;
  int64_t seq = 0;
};
struct CutRestart {
  TruncateCut cut;
};

// Values noted for filling (cdc_unchanged.h) past which the open segment
// commits at the next transaction boundary, bounding the memory they hold.
constexpr int64_t kMaxNotedBytes = 256 << 20;

bool Cancelled(const std::atomic<bool>* cancel) {
  return cancel != nullptr && cancel->load(std::memory_order_relaxed);
}

class ChangeLander {
 public:
  ChangeLander(CdcRun& run, CdcState& state, std::string bound, std::optional<TruncateCut> cut,
               LoadStats& stats)
      : run_(run), state_(state), bound_(std::move(bound)), cut_(std::move(cut)), stats_(stats) {
    if (!run.unsent.empty()) {
      unchanged_.emplace(run.ctx.sink, run.tables, run.key, run.unsent, run.ctx.task.id());
    }
  }

  void Land(ChangeStream& stream, std::shared_ptr<const Schema> schema) {
    BoundedQueue<ChangeBatch> queue(4);
    std::exception_ptr read_error;
    std::thread producer([&, log_fields = CurrentLogFields()] {
      LogScope scope(log_fields);
      NameThisThread("cdc-read");
      Read(stream, schema, queue, read_error);
    });
    try {
      while (auto batch = queue.Pop()) {
        Handle(*batch);
        if (Cancelled(run_.ctx.cancel)) break;
      }
    } catch (...) {
      queue.Cancel();
      producer.join();
      throw;
    }
    queue.Cancel();
    producer.join();
    if (read_error) std::rethrow_exception(read_error);
    if (Cancelled(run_.ctx.cancel)) throw CancelledError("capture cancelled: shutting down");
    CommitAt(std::max(bound_, state_.checkpoint.position));
  }

 private:
  void Read(ChangeStream& stream, const std::shared_ptr<const Schema>& schema,
            BoundedQueue<ChangeBatch>& queue, std::exception_ptr& error) {
    try {
      for (;;) {
        ChangeBatch batch(schema);
        if (!stream.Next(batch, run_.ctx.limits)) break;
        if (!queue.Push(std::move(batch))) return;
        if (Cancelled(run_.ctx.cancel)) break;
      }
      queue.Close();
    } catch (...) {
      error = std::current_exception();
      queue.Cancel();
    }
  }

  std::string Lsn(const Batch& rows, size_t row) const {
    return std::string(rows.column(1).GetBytes(row));
  }

  void Handle(ChangeBatch& batch) {
    if (unchanged_) unchanged_->Fill(batch);
    const Batch& rows = batch.rows;
    size_t n = rows.num_rows(), start = 0;
    bool current = run_.tables.current.has_value();
    if (current && cut_ && !cut_done_) start = CutBefore(rows);
    if (current && start < n && rows.column(0).GetBytes(start) == CdcOp::kTruncate) {
      EmptyCurrentAt(Lsn(rows, start), rows.column(2).Get<int64_t>(start), rows.shared_schema());
    }
    if (start < n) {
      Segment(rows.shared_schema())
          .Write(rows, start, n, cut_ ? cut_->lsn : "", cut_ ? cut_->seq : 0);
      run_.ctx.progress.Add(static_cast<int64_t>(n - start), static_cast<int64_t>(rows.ByteSize()));
    }
    FaultPoint("cdc.after_write");
    bool full = segment_ && (segment_->rows() >= run_.commit_every ||
                             (unchanged_ && unchanged_->bytes() >= kMaxNotedBytes));
    if (batch.boundary && full) {
      CommitAt(*batch.boundary);
      // Every row noted so far is committed now (a cut commits only a part).
      if (unchanged_) unchanged_->Committed();
    }
  }

  // When the cut transaction starts in `rows`: writes the rows before it,
  // commits, and opens an emptied segment at it. Returns the first row not
  // yet written.
  size_t CutBefore(const Batch& rows) {
    for (size_t row = 0; row < rows.num_rows(); ++row) {
      if (Lsn(rows, row) != cut_->lsn) continue;
      if (row > 0) Segment(rows.shared_schema()).Write(rows, 0, row);
      CommitAt(cut_->lsn);
      OpenSegment(rows.shared_schema(), CurrentMode::kEmptied, cut_->lsn);
      cut_done_ = true;
      return row;
    }
    return 0;  // the cut transaction comes later
  }

  void EmptyCurrentAt(const std::string& lsn, int64_t seq, std::shared_ptr<const Schema> schema) {
    if (segment_ && segment_->mode() == CurrentMode::kEmptied && segment_->opened_at() == lsn &&
        segment_->CurrentRowsAt(lsn) == 0) {
      return;  // emptied just before this transaction
    }
    if (segment_ && segment_->CurrentRowsAt(lsn) > 0) throw CutRestart{TruncateCut{lsn, seq}};
    CommitAt(lsn);
    OpenSegment(std::move(schema), CurrentMode::kEmptied, lsn);
  }

  CdcSegment& Segment(std::shared_ptr<const Schema> schema) {
    if (!segment_) OpenSegment(std::move(schema), CurrentMode::kMerge, "");
    return *segment_;
  }

  void OpenSegment(std::shared_ptr<const Schema> schema, CurrentMode mode, std::string at) {
    segment_ = std::make_unique<CdcSegment>(run_.ctx.sink, run_.ctx.task.id(), run_.tables,
                                            std::move(schema), mode, std::move(at), run_.run_id);
  }

  // Commits what is open with `position` as the new state, then tells the
  // source. Positions compare as text (cdc_reader.h) and never go back.
  void CommitAt(const std::string& position) {
    if (position < state_.checkpoint.position) {
      throw Error(fmt::format("task '{}': the stream position would move back from {} to {}",
                              run_.ctx.task.id(), state_.checkpoint.position, position));
    }
    if (!segment_ && position == state_.checkpoint.position) return;
    CdcState next = state_;
    next.checkpoint.position = position;
    int64_t rows = segment_ ? segment_->rows() : 0;
    if (segment_) {
      segment_->Commit(next.ToJson());
      segment_.reset();
    } else {
      run_.ctx.sink.Begin(run_.ctx.task.id())->Commit(next.ToJson());
    }
    state_ = next;
    stats_.rows += rows;
    FaultPoint("cdc.after_commit");
    run_.reader.Acknowledge(position);
    FaultPoint("cdc.after_ack");
  }

  CdcRun& run_;
  CdcState& state_;
  std::string bound_;
  std::optional<TruncateCut> cut_;
  bool cut_done_ = false;
  LoadStats& stats_;
  std::unique_ptr<CdcSegment> segment_;
  std::optional<UnchangedFiller> unchanged_;  // set when changes may leave values out
};

Schema Widened(const Schema& columns, const Schema& wider) {
  Schema out = columns;
  for (const Field& f : wider.fields) {
    int at = out.IndexOf(f.name);
    if (at < 0) {
      out.fields.push_back(f);
    } else {
      out.fields[static_cast<size_t>(at)].type = f.type;
    }
  }
  return out;
}

}  // namespace

LoadStats LandChanges(CdcRun& run, CdcState& state) {
  std::string bound = run.reader.Bound();
  Schema columns = run.columns;
  std::optional<TruncateCut> cut;
  LoadStats stats;
  for (int attempt = 0;; ++attempt) {
    try {
      CdcStreamRequest request{state.checkpoint, bound, columns, run.ingested_at};
      auto stream = run.reader.ReadChanges(request);
      ChangeLander lander(run, state, bound, cut, stats);
      lander.Land(*stream, std::make_shared<const Schema>(HistorySchema(columns)));
      return stats;
    } catch (const CdcRestart& restart) {
      Log(LogLevel::kInfo, "reading again with the table's new columns",
          {{"task", run.ctx.task.id()}, {"why", restart.what()}});
      columns = Widened(columns, restart.columns);
    } catch (const CutRestart& restart) {
      cut = restart.cut;
    }
    if (attempt >= 20) {
      throw Error(fmt::format("task '{}': the change stream had to be read again too often",
                              run.ctx.task.id()));
    }
  }
}

}  // namespace tributary
