// ChunkAppender: rows reach DuckDB whole, in order, whatever the batch sizes
// (the appender holds back a partial chunk until the next batch or Flush).
#include <optional>

#include "support/duckdb_fixture.h"

namespace tributary {
namespace {

using testing::MakeSchema;

// id bigint, s text (NULL every 7th row), d decimal(12,2), u uuid, rows
// [first, first + count).
Batch Rows(int64_t first, int64_t count) {
  Batch batch(MakeSchema({{"id", {TypeId::kInt64}},
                          {"s", {TypeId::kText}},
                          {"d", {TypeId::kDecimal, 12, 2}},
                          {"u", {TypeId::kUuid}}}));
  for (int64_t id = first; id < first + count; ++id) {
    batch.column(0).Append<int64_t>(id);
    if (id % 7 == 0) {
      batch.column(1).AppendNull();
    } else {
      batch.column(1).AppendBytes("row " + std::to_string(id));
    }
    batch.column(2).Append<Int128>(Int128{id} * 101);
    Uuid u{};
    u.bytes[15] = static_cast<uint8_t>(id);
    u.bytes[0] = 0x80;  // the bit DuckDB flips in its own storage
    batch.column(3).Append<Uuid>(u);
  }
  return batch;
}

class DuckDbChunkTest : public testing::DuckDbFixture {};

TEST_F(DuckDbChunkTest, BatchesOfAnySizeArriveWholeAndInOrder) {
  const std::vector<int64_t> sizes = {1, 2047, 2049, 3000, 5, 2048, 0, 4096, 7};
  auto txn = sink_->Begin("t");
  auto& writer = txn->Open(LoadSpec{"t", Rows(0, 0).schema(), WriteMode::kReplace});
  int64_t total = 0;
  for (int64_t size : sizes) {
    writer.Write(Rows(total, size));  // each batch is freed before the rows are appended
    total += size;
  }
  txn->Commit(std::nullopt);
  EXPECT_EQ(Scalar("SELECT count(*) FROM bronze.t"), std::to_string(total));
  // Table order is append order: rowid i holds id i.
  EXPECT_EQ(Scalar("SELECT count(*) FROM bronze.t WHERE rowid <> id"), "0");
  EXPECT_EQ(Scalar("SELECT count(*) FROM bronze.t WHERE s IS NULL"),
            std::to_string((total - 1) / 7 + 1));
  EXPECT_EQ(Scalar("SELECT count(*) FROM bronze.t WHERE s IS DISTINCT FROM "
                   "CASE WHEN id % 7 = 0 THEN NULL ELSE 'row ' || id END"),
            "0");
  EXPECT_EQ(Scalar("SELECT count(*) FROM bronze.t WHERE d <> id * 1.01"), "0");
  EXPECT_EQ(Scalar("SELECT count(*) FROM bronze.t WHERE u::VARCHAR <> "
                   "'80000000-0000-0000-0000-0000000000' || lpad(lower(to_hex(id % 256)), 2, '0')"),
            "0");
}

TEST_F(DuckDbChunkTest, RepeatedTextValuesLandAsWrittenAcrossNullsAndChunks) {
  // Runs of equal values (short: inlined by DuckDB; long: in its string heap),
  // broken by NULLs, by other values and by chunk boundaries (2048 rows).
  Batch batch(MakeSchema({{"id", {TypeId::kInt64}}, {"s", {TypeId::kText}}}));
  const std::string long_value(40, 'x');
  auto expected = [&](int64_t id) -> std::optional<std::string> {
    if (id % 11 == 5) return std::nullopt;
    if (id % 500 < 250) return id % 3000 < 1500 ? long_value : std::string("short");
    return "v" + std::to_string(id / 7);
  };
  for (int64_t id = 0; id < 5000; ++id) {
    batch.column(0).Append<int64_t>(id);
    auto value = expected(id);
    value ? batch.column(1).AppendBytes(*value) : batch.column(1).AppendNull();
  }
  auto txn = sink_->Begin("t");
  txn->Open(LoadSpec{"t", batch.schema(), WriteMode::kReplace}).Write(batch);
  txn->Commit(std::nullopt);
  EXPECT_EQ(Scalar("SELECT count(*) FROM bronze.t"), "5000");
  EXPECT_EQ(Scalar("SELECT count(*) FROM bronze.t WHERE s IS DISTINCT FROM CASE "
                   "WHEN id % 11 = 5 THEN NULL WHEN id % 500 < 250 THEN CASE WHEN id % 3000 < "
                   "1500 THEN repeat('x', 40) ELSE 'short' END ELSE 'v' || (id // 7) END"),
            "0");
}

TEST_F(DuckDbChunkTest, RowsHeldBackAreAppendedAtCommitAndDroppedOnRollback) {
  {
    auto txn = sink_->Begin("t");
    auto& writer = txn->Open(LoadSpec{"t", Rows(0, 0).schema(), WriteMode::kAppend});
    writer.Write(Rows(0, 10));  // less than one chunk
  }                             // abandoned: rolled back
  EXPECT_FALSE(sink_->DescribeTable("t").has_value());
  auto txn = sink_->Begin("t");
  auto& writer = txn->Open(LoadSpec{"t", Rows(0, 0).schema(), WriteMode::kAppend});
  writer.Write(Rows(0, 10));
  txn->Commit(std::nullopt);
  EXPECT_EQ(Scalar("SELECT count(*) || ' ' || sum(id) FROM bronze.t"), "10 45");
}

}  // namespace
}  // namespace tributary
