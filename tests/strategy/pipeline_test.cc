// The pipeline's contract: every row arrives once and in order, memory is
// bounded by the queue, and a failure on either side stops both sides.
#include "strategy/pipeline.h"

#include <gtest/gtest.h>

#include <atomic>

#include "common/error.h"
#include "common/thread_name.h"

namespace tributary {
namespace {

std::shared_ptr<const Schema> IdSchema() {
  auto s = std::make_shared<Schema>();
  s->fields = {{"id", {TypeId::kInt64}}};
  return s;
}

// Produces ids 0..total-1; optionally fails after `fail_after` rows.
// Counts batches handed out but not yet written, to prove the memory bound.
class CountingReader final : public Reader {
 public:
  CountingReader(int64_t total, std::atomic<int>& in_flight, int64_t fail_after = -1)
      : schema_(IdSchema()), total_(total), fail_after_(fail_after), in_flight_(in_flight) {}
  const std::shared_ptr<const Schema>& schema() const override { return schema_; }
  bool Next(Batch& batch, const BatchLimits& limits) override {
    if (next_ >= total_) return false;
    while (next_ < total_ && !limits.Full(batch)) {
      if (next_ == fail_after_)
        throw SourceError("connection lost at row " + std::to_string(next_));
      batch.column(0).Append<int64_t>(next_++);
    }
    max_in_flight_ = std::max(max_in_flight_, ++in_flight_);
    thread_name_ = ThisThreadName();
    return true;
  }
  int max_in_flight() const { return max_in_flight_; }
  const std::string& thread_name() const { return thread_name_; }

 private:
  std::shared_ptr<const Schema> schema_;
  int64_t total_, fail_after_, next_ = 0;
  std::atomic<int>& in_flight_;
  int max_in_flight_ = 0;
  std::string thread_name_;  // of the thread that called Next
};

class CheckingWriter final : public TableWriter {
 public:
  CheckingWriter(std::atomic<int>& in_flight, int64_t fail_at_batch = -1)
      : in_flight_(in_flight), fail_at_batch_(fail_at_batch) {}
  void Write(const Batch& batch) override {
    if (batches_++ == fail_at_batch_) throw SinkError("disk full");
    for (size_t i = 0; i < batch.num_rows(); ++i) {
      ASSERT_EQ(batch.column(0).Get<int64_t>(i), expected_++) << "rows out of order or repeated";
    }
    --in_flight_;
  }
  int64_t rows() const { return expected_; }

 private:
  std::atomic<int>& in_flight_;
  int64_t fail_at_batch_;
  int64_t batches_ = 0;
  int64_t expected_ = 0;
};

TEST(PipelineTest, DeliversEveryRowOnceInOrderWithBoundedMemory) {
  std::atomic<int> in_flight{0};
  CountingReader reader(1'000'003, in_flight);
  CheckingWriter writer(in_flight);
  TaskProgress progress;
  BatchLimits limits{.max_rows = 1000, .max_bytes = 1 << 20};
  LoadStats stats = CopyAll(reader, writer, limits, progress, nullptr, /*queue_depth=*/3);
  EXPECT_EQ(stats.rows, 1'000'003);
  EXPECT_EQ(writer.rows(), 1'000'003);
  EXPECT_EQ(progress.rows(), 1'000'003);
  EXPECT_GT(stats.bytes, 8'000'000);
  // queue_depth queued + one being written + one being read.
  EXPECT_LE(reader.max_in_flight(), 3 + 2);
  // The reader runs on a thread of its own, named so `top -H` tells it apart.
  EXPECT_EQ(reader.thread_name(), "read");
}

TEST(PipelineTest, ReaderFailureStopsTheLoadAndIsRethrown) {
  std::atomic<int> in_flight{0};
  CountingReader reader(100'000, in_flight, /*fail_after=*/50'500);
  CheckingWriter writer(in_flight);
  TaskProgress progress;
  try {
    CopyAll(reader, writer, BatchLimits{.max_rows = 1000}, progress);
    FAIL() << "expected SourceError";
  } catch (const SourceError& e) {
    EXPECT_STREQ(e.what(), "connection lost at row 50500");
  }
  EXPECT_LE(writer.rows(), 50'500);
}

TEST(PipelineTest, WriterFailureStopsTheReaderAndIsRethrown) {
  std::atomic<int> in_flight{0};
  CountingReader reader(10'000'000, in_flight);
  CheckingWriter writer(in_flight, /*fail_at_batch=*/2);
  TaskProgress progress;
  EXPECT_THROW(CopyAll(reader, writer, BatchLimits{.max_rows = 1000}, progress, nullptr, 2),
               SinkError);
  // The reader stopped long before the end of its 10,000 batches.
  EXPECT_LT(in_flight.load(), 10);
}

TEST(PipelineTest, CancellationEndsWithCancelledError) {
  std::atomic<int> in_flight{0};
  CountingReader reader(10'000'000, in_flight);
  CheckingWriter writer(in_flight);
  TaskProgress progress;
  std::atomic<bool> cancel{true};
  EXPECT_THROW(CopyAll(reader, writer, BatchLimits{.max_rows = 1000}, progress, &cancel),
               CancelledError);
  EXPECT_LT(writer.rows(), 10'000'000);
}

}  // namespace
}  // namespace tributary
