// The CdcReader contract (source/cdc_reader.h), one suite run unchanged
// against every change reader of support/cdc_test_source.h: the snapshot
// and the stream after it lose nothing and repeat nothing, boundaries fall
// only at transaction ends and reading on from any of them neither skips
// nor repeats, positions keep their contract, resuming past the source's
// retention is a gap, and Acknowledge is safe while a stream reads.
//
// SQL Server runs on its scripted server (support/sqlserver_cdc_test_source.cc):
// SQLite triggers play the capture job and the reader's T-SQL is answered
// from their change table, so the reader's planning, windows and positions
// are tested here, not SQL Server's own functions (SqlServerLiveCdc* does
// that against a real server).
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "data/value_text.h"
#include "support/cdc_test_source.h"

namespace tributary {
namespace {

using testing::CdcTestSourceKind;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

// One history row: "op:id:name" and where it stands in the log.
struct Change {
  std::string text;
  std::string lsn;
  int64_t seq = 0;
};

// A stream read to its end: its rows, each batch's boundary and where the
// batch ended (rows delivered so far), and the position a run stores after
// it (the bound, as the cdc strategy commits it).
struct Streamed {
  std::vector<Change> rows;
  std::vector<std::optional<std::string>> boundaries;
  std::vector<size_t> ends;
  std::string position;
  std::vector<std::string> texts() const {
    std::vector<std::string> out;
    for (const Change& c : rows) out.push_back(c.text);
    return out;
  }
};

// The history rows of `batch` (HistorySchema of the table's (id, name)).
void Collect(const Batch& batch, std::vector<Change>& out) {
  const size_t id = kCdcMetadataColumns, name = kCdcMetadataColumns + 1;
  for (size_t r = 0; r < batch.num_rows(); ++r) {
    auto text = [&](size_t c) {
      return batch.column(c).IsNull(r) ? std::string("NULL") : ValueText(batch.column(c), r);
    };
    std::string op = text(0);
    out.push_back({op == CdcOp::kTruncate ? op : op + ":" + text(id) + ":" + text(name), text(1),
                   batch.column(2).Get<int64_t>(r)});
  }
}

class CdcReaderContractTest : public ::testing::TestWithParam<CdcTestSourceKind> {
 protected:
  CdcReaderContractTest() : db_(GetParam().make()) {
    db_->CreateTable("items");
    db_->Exec("INSERT INTO items VALUES (1, 'a'), (2, 'b'), (3, 'c')");
  }

  // The reader of a new run, opened as the engine opens it.
  std::unique_ptr<CdcReader> Open() { return db_->Open("items"); }

  // Starts capture as a first run does; `during` runs after the first
  // snapshot row was read, while the snapshot is still being read.
  CdcCheckpoint Snapshot(CdcReader& reader, std::vector<Change>& rows,
                         const std::function<void()>& during = {}) {
    reader.DescribeTable();
    reader.CheckPrerequisites();
    CdcSnapshot snapshot = reader.Snapshot(CdcSnapshotRequest{1, 0, "/* cdc contract */ ", {}});
    bool ran = false;
    for (Batch batch(snapshot.rows->schema()); snapshot.rows->Next(batch, BatchLimits{1, 1 << 20});
         batch = Batch(snapshot.rows->schema())) {
      Collect(batch, rows);
      if (during && !ran) {
        ran = true;
        during();
      }
    }
    return snapshot.checkpoint;
  }
  // Streams the changes after `from` up to the reader's bound as a run does.
  // `boundary` sees each boundary as it comes, `end` the position the run
  // stores after the last batch, while the stream is still open (the cdc
  // strategy commits and acknowledges it there).
  Streamed Stream(CdcReader& reader, const CdcCheckpoint& from, const BatchLimits& limits,
                  const std::function<void(const std::string&)>& boundary = {},
                  const std::function<void(const std::string&)>& end = {}) {
    std::string bound = reader.Bound();
    CdcStreamRequest request{from, bound, reader.DescribeTable().columns, 0};
    auto stream = reader.ReadChanges(request);
    auto schema = std::make_shared<const Schema>(HistorySchema(request.columns));
    Streamed out;
    for (ChangeBatch batch(schema); stream->Next(batch, limits); batch = ChangeBatch(schema)) {
      Collect(batch.rows, out.rows);
      out.boundaries.push_back(batch.boundary);
      out.ends.push_back(out.rows.size());
      if (batch.boundary && boundary) boundary(*batch.boundary);
    }
    out.position = std::max(bound, from.position);
    if (end) end(out.position);
    return out;
  }
  // A later run: resumes from `from` and streams.
  Streamed Resume(const CdcCheckpoint& from, const BatchLimits& limits = {}) {
    auto reader = Open();
    reader->DescribeTable();
    reader->CheckPrerequisites();
    reader->CheckResume(from);
    return Stream(*reader, from, limits);
  }
  // A first run: snapshot, then the stream to the bound. Returns the
  // checkpoint to store.
  CdcCheckpoint FirstRun() {
    auto reader = Open();
    std::vector<Change> rows;
    CdcCheckpoint checkpoint = Snapshot(*reader, rows);
    checkpoint.position = Stream(*reader, checkpoint, BatchLimits{}).position;
    return checkpoint;
  }

  std::unique_ptr<testing::CdcTestSource> db_;
};

// The source's table after replaying `history` in order ("id:name" by id).
std::vector<std::string> Replay(const std::vector<Change>& history) {
  std::map<int, std::string> table;
  for (const Change& c : history) {
    if (c.text == CdcOp::kTruncate) {
      table.clear();
      continue;
    }
    size_t first = c.text.find(':'), second = c.text.find(':', first + 1);
    std::string op = c.text.substr(0, first);
    int id = std::stoi(c.text.substr(first + 1, second - first - 1));
    if (op == CdcOp::kDelete) {
      table.erase(id);
    } else if (op != CdcOp::kBefore) {
      table[id] = c.text.substr(second + 1);
    }
  }
  std::vector<std::string> rows;
  for (const auto& [id, name] : table) rows.push_back(std::to_string(id) + ":" + name);
  return rows;
}

TEST_P(CdcReaderContractTest, SnapshotThenStreamLoseNothingAndRepeatNothing) {
  auto reader = Open();
  std::vector<Change> snapshot;
  CdcCheckpoint checkpoint = Snapshot(*reader, snapshot, [&] {
    db_->Exec("INSERT INTO items VALUES (4, 'd')");
    db_->Exec("UPDATE items SET name = 'b2' WHERE id = 2");
    db_->Exec("DELETE FROM items WHERE id = 3");
  });
  std::vector<std::string> texts;
  for (const Change& c : snapshot) texts.push_back(c.text);
  if (db_->ExactSnapshot()) {
    EXPECT_THAT(texts, UnorderedElementsAre("snapshot:1:a", "snapshot:2:b", "snapshot:3:c"))
        << "the table as of the snapshot's position, none of the changes made while it is read";
  }
  // The rest of the first run, then the next: between them, exactly the
  // changes made while the snapshot was read (a reader may leave them all to
  // the next run, as SQL Server's does).
  Streamed first = Stream(*reader, checkpoint, BatchLimits{});
  reader.reset();
  Streamed second = Resume({first.position, checkpoint.identity});
  std::vector<std::string> during = first.texts();
  for (const std::string& t : second.texts()) during.push_back(t);
  if (db_->ExactSnapshot()) {
    EXPECT_THAT(during, ElementsAre("insert:4:d", "before:2:b", "update:2:b2", "delete:3:c"));
  }

  db_->Exec(
      "BEGIN; INSERT INTO items VALUES (5, 'e'); UPDATE items SET name = 'd2' WHERE id = 4; "
      "COMMIT; DELETE FROM items WHERE id = 1;");
  Streamed after = Resume({second.position, checkpoint.identity});
  EXPECT_THAT(after.texts(), ElementsAre("insert:5:e", "before:4:d", "update:4:d2", "delete:1:a"));
  Streamed quiet = Resume({after.position, checkpoint.identity});
  EXPECT_THAT(quiet.texts(), ElementsAre()) << "nothing changed since";
  EXPECT_GE(quiet.position, after.position);

  std::vector<Change> history = snapshot;
  for (const Streamed* s : {&first, &second, &after}) {
    history.insert(history.end(), s->rows.begin(), s->rows.end());
  }
  EXPECT_EQ(Replay(history), db_->Values("SELECT id || ':' || name FROM items ORDER BY id"))
      << "replaying the history in order gives the table";
}

// Three transactions of 5, 6 (3 updates with their before rows) and 1
// history rows.
void MakeThreeTransactions(testing::CdcTestSource& db) {
  db.Exec("INSERT INTO items VALUES (10, 'j'), (11, 'k'), (12, 'l'), (13, 'm'), (14, 'n')");
  db.Exec("UPDATE items SET name = name || '+' WHERE id IN (1, 2, 10)");
  db.Exec("DELETE FROM items WHERE id = 11");
}

TEST_P(CdcReaderContractTest, BoundariesFallOnlyAtTransactionEnds) {
  CdcCheckpoint checkpoint = FirstRun();
  MakeThreeTransactions(*db_);
  // Two rows a batch: batches end inside the transactions of 5 and 6 rows.
  Streamed all = Resume(checkpoint, BatchLimits{2, 1 << 20});
  ASSERT_EQ(all.rows.size(), 5u + 6u + 1u);
  bool inclusive = db_->InclusivePositions();
  for (size_t b = 0; b < all.boundaries.size(); ++b) {
    if (!all.boundaries[b]) continue;
    const std::string& at = *all.boundaries[b];
    size_t end = all.ends[b];
    SCOPED_TRACE("boundary " + at + " after row " + std::to_string(end));
    ASSERT_GT(end, 0u) << "a batch with a boundary holds rows";
    const std::string& last = all.rows[end - 1].lsn;
    EXPECT_TRUE(inclusive ? last <= at : last < at) << "past the transaction it ends";
    if (end < all.rows.size()) {
      const std::string& next = all.rows[end].lsn;
      EXPECT_NE(last, next) << "inside a transaction";
      EXPECT_TRUE(inclusive ? at < next : at <= next) << "before the next transaction";
    }
    // Reading on from the boundary gives exactly the rest.
    std::vector<std::string> rest;
    for (size_t r = end; r < all.rows.size(); ++r) rest.push_back(all.rows[r].text);
    EXPECT_THAT(Resume({at, checkpoint.identity}).texts(), ElementsAreArray(rest));
  }
  EXPECT_TRUE(std::any_of(all.boundaries.begin(), all.boundaries.end(), [](const auto& b) {
    return b.has_value();
  })) << "no batch ended at a transaction's end";
}

TEST_P(CdcReaderContractTest, PositionsAreFixedWidthTextInLogOrder) {
  auto reader = Open();
  std::vector<Change> snapshot;
  CdcCheckpoint checkpoint = Snapshot(*reader, snapshot);
  for (const Change& c : snapshot) {
    EXPECT_EQ(c.lsn, checkpoint.position) << "snapshot rows carry the snapshot's position";
    EXPECT_EQ(c.seq, 0) << "and sort before the changes at it";
  }
  checkpoint.position = Stream(*reader, checkpoint, BatchLimits{}).position;
  reader.reset();
  MakeThreeTransactions(*db_);
  Streamed changes = Resume(checkpoint, BatchLimits{2, 1 << 20});
  ASSERT_FALSE(changes.rows.empty());
  for (size_t r = 0; r < changes.rows.size(); ++r) {
    const Change& c = changes.rows[r];
    EXPECT_EQ(c.lsn.size(), checkpoint.position.size()) << c.lsn;
    EXPECT_TRUE(db_->InclusivePositions() ? c.lsn > checkpoint.position
                                          : c.lsn >= checkpoint.position)
        << c.lsn << " is not after the position " << checkpoint.position;
    if (r == 0) {
      EXPECT_EQ(c.seq, 1) << "_seq starts at 1 in each transaction";
      continue;
    }
    const Change& prev = changes.rows[r - 1];
    EXPECT_LE(prev.lsn, c.lsn) << "commit order";
    if (prev.lsn == c.lsn) {
      EXPECT_LT(prev.seq, c.seq) << "order within the transaction";
    } else {
      EXPECT_EQ(c.seq, 1) << "_seq starts at 1 in each transaction";
    }
  }
  std::string previous = checkpoint.position;
  for (const auto& b : changes.boundaries) {
    if (!b) continue;
    EXPECT_EQ(b->size(), checkpoint.position.size());
    EXPECT_GE(*b, previous) << "boundaries never go back";
    previous = *b;
  }
  EXPECT_GE(changes.position, previous);
}

TEST_P(CdcReaderContractTest, ResumingPastTheRetainedLogIsAGap) {
  CdcCheckpoint checkpoint = FirstRun();
  db_->Exec("INSERT INTO items VALUES (4, 'lost')");
  db_->ExpireChanges("items");
  auto reader = Open();
  try {
    reader->CheckResume(checkpoint);
    ADD_FAILURE() << "no gap reported";
  } catch (const CdcGapError& e) {
    EXPECT_THAT(e.what(), HasSubstr("items"));
    EXPECT_THAT(e.what(), HasSubstr("backfill")) << "says how to recover";
  }
  EXPECT_THROW(Open()->CheckResume({checkpoint.position, R"({"format":"another reader"})"}),
               CdcGapError)
      << "a position of another stream is a gap too";
}

TEST_P(CdcReaderContractTest, AcknowledgeIsSafeWhileAStreamReads) {
  CdcCheckpoint checkpoint = FirstRun();
  std::string sql;
  for (int i = 0; i < 200; ++i)
    sql += fmt::format("BEGIN; INSERT INTO items VALUES ({}, 'x'); COMMIT;", 100 + i);
  db_->Exec(sql);

  auto reader = Open();
  reader->DescribeTable();
  reader->CheckResume(checkpoint);
  std::mutex mu;
  std::string latest;
  std::atomic<bool> done{false};
  std::atomic<int> acks{0};
  std::thread acknowledger([&] {
    std::string last;
    while (!done) {
      std::string position;
      {
        std::lock_guard<std::mutex> lock(mu);
        position = latest;
      }
      if (!position.empty() && position != last) {
        reader->Acknowledge(position);
        last = position;
        ++acks;
      }
      std::this_thread::yield();
    }
  });
  // Hands each boundary to the acknowledging thread; the first one is waited
  // for, so that acknowledgements surely overlap the rest of the stream.
  auto latest_boundary = [&](const std::string& b) {
    {
      std::lock_guard<std::mutex> lock(mu);
      latest = b;
    }
    for (int i = 0; i < 5000 && acks == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  };
  auto last_commit = [&](const std::string& position) {
    done = true;
    acknowledger.join();
    reader->Acknowledge(position);
  };
  Streamed streamed =
      Stream(*reader, checkpoint, BatchLimits{3, 1 << 20}, latest_boundary, last_commit);
  EXPECT_GT(acks.load(), 0);
  ASSERT_EQ(streamed.rows.size(), 200u);
  for (int i = 0; i < 200; ++i) {
    EXPECT_EQ(streamed.rows[i].text, fmt::format("insert:{}:x", 100 + i));
  }
  reader.reset();
  if (!db_->Acknowledged("items")) return;  // the source keeps no acknowledgements
  std::optional<std::string> acknowledged;
  for (int i = 0; i < 100 && acknowledged != streamed.position; ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    acknowledged = db_->Acknowledged("items");
  }
  EXPECT_EQ(acknowledged, streamed.position);
  EXPECT_THAT(Resume({streamed.position, checkpoint.identity}).texts(), ElementsAre());
}

INSTANTIATE_TEST_SUITE_P(Sources, CdcReaderContractTest,
                         ::testing::ValuesIn(testing::CdcTestSourceKinds()),
                         [](const auto& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace tributary
