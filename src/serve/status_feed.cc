#include "serve/status_feed.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "common/error.h"
#include "engine/connectors.h"

namespace tributary {

StatusFeed::StatusFeed(RunLogAccess& access, const Clock& clock, FeedOptions options)
    : access_(access), clock_(clock), options_(options) {}

std::shared_ptr<const FeedSnapshot> StatusFeed::Current() {
  std::lock_guard lock(mutex_);
  if (last_ && clock_.Now() - last_->read_at < options_.max_age) return last_;
  last_ = Read();
  if (last_->error.empty() && last_->note.empty()) last_good_ = last_;
  return last_;
}

std::shared_ptr<const FeedSnapshot> StatusFeed::Read() {
  auto out = std::make_shared<FeedSnapshot>();
  out->read_at = clock_.Now();
  try {
    access_.With([&](RunLog& log) {
      out->history = log.ReadHistory();
      out->runs = log.ReadRuns(RunQuery{options_.runs, ""});
      for (size_t i = 0; i < out->runs.size() && static_cast<int>(i) < options_.runs_with_results;
           ++i) {
        out->results[out->runs[i].run_id] = log.ReadRunResults(out->runs[i].run_id);
      }
    });
    return out;
  } catch (const SinkBusyError& busy) {
    // Runs and results as last read; the history from the sink's snapshot
    // when it keeps one, else as last read.
    if (last_good_) {
      out->runs = last_good_->runs;
      out->results = last_good_->results;
      out->history = last_good_->history;
    }
    try {
      out->history = access_.BusyHistory(&out->note);
    } catch (const SinkBusyError&) {
      out->note =
          last_good_
              ? fmt::format(
                    "the sink is busy ({}); showing the run history as "
                    "read at {:%Y-%m-%d %H:%M:%S}Z",
                    busy.what(), std::chrono::floor<std::chrono::seconds>(last_good_->read_at))
              : fmt::format("the sink is busy ({}); no run history read yet", busy.what());
    }
    if (out->note.empty()) out->note = std::string("the sink is busy: ") + busy.what();
    return out;
  } catch (const std::exception& e) {
    auto failed = std::make_shared<FeedSnapshot>();
    failed->read_at = out->read_at;
    failed->error = e.what();
    return failed;
  }
}

}  // namespace tributary
