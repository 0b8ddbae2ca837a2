#include "strategy/watermark.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/error.h"
#include "config/lookback.h"
#include "data/value_text.h"

namespace tributary {
namespace {

using ::testing::HasSubstr;

TEST(LookbackTest, DurationsAndNumbers) {
  EXPECT_EQ(ParseLookback("90s")->micros, 90'000'000);
  EXPECT_EQ(ParseLookback("1h30m")->micros, 5'400'000'000);
  EXPECT_EQ(ParseLookback("2d")->micros, 2 * 86'400'000'000);
  EXPECT_TRUE(ParseLookback("2d")->is_duration);
  EXPECT_FALSE(ParseLookback("100")->is_duration);
  EXPECT_EQ(ParseLookback("0.5")->number, "0.5");
  for (const char* bad : {"", "h", "-1h", "1w", "1h30", "1.5h", "1..2", "abc"}) {
    EXPECT_FALSE(ParseLookback(bad).has_value()) << bad;
  }
}

TEST(WatermarkTest, SubtractsALookbackOfTheRightKind) {
  DataType ts{TypeId::kTimestamp};
  EXPECT_EQ(SubtractLookback(ts, "2026-03-01 00:10:00.000000", *ParseLookback("15m")),
            "2026-02-28 23:55:00.000000");
  EXPECT_EQ(SubtractLookback(DataType{TypeId::kDate}, "2026-03-01", *ParseLookback("36h")),
            "2026-02-27");
  EXPECT_EQ(SubtractLookback(DataType{TypeId::kInt32}, "100", *ParseLookback("30")), "70");
  EXPECT_EQ(SubtractLookback(DataType{TypeId::kInt16}, "-32760", *ParseLookback("30")), "-32768")
      << "clamped, never wrapped";
  EXPECT_EQ(SubtractLookback(DataType::Decimal(10, 2), "5.00", *ParseLookback("0.25")), "4.75");
  EXPECT_THAT([&] { SubtractLookback(ts, "2026-03-01 00:00:00", *ParseLookback("10")); },
              ::testing::ThrowsMessage<Error>(HasSubstr("use a duration such as 15m")));
  EXPECT_THROW(SubtractLookback(DataType{TypeId::kInt64}, "5", *ParseLookback("1h")), Error);
  EXPECT_THROW(SubtractLookback(DataType{TypeId::kInt64}, "5", *ParseLookback("0.5")), Error);
}

TEST(WatermarkTest, StateRoundTripsThroughJson) {
  WatermarkState state{"updated_at", DataType{TypeId::kTimestampTz},
                       "2026-11-25 13:00:00.000000+00:00", std::nullopt};
  auto back = WatermarkState::FromJson(state.ToJson(), "t");
  EXPECT_EQ(back.column, "updated_at");
  EXPECT_EQ(back.type, state.type);
  EXPECT_EQ(back.value, state.value);
  EXPECT_EQ(back.boundary, std::nullopt);
  state.boundary = RowDigest{3, 0xfedcba9876543210ULL};
  EXPECT_EQ(WatermarkState::FromJson(state.ToJson(), "t").boundary, state.boundary);
  EXPECT_THAT([] { WatermarkState::FromJson("{\"lsn\": 5}", "t"); },
              ::testing::ThrowsMessage<Error>(HasSubstr("--full-refresh --tables t")));
}

class CollectingWriter final : public TableWriter {
 public:
  void Write(const Batch& batch) override {
    for (size_t r = 0; r < batch.num_rows(); ++r) {
      values.push_back(batch.column(0).IsNull(r) ? "NULL" : ValueText(batch.column(0), r));
    }
  }
  std::vector<std::string> values;
};

TEST(WatermarkTest, TrackerCutsTheExactRangeAndKeepsTheLargestValue) {
  auto schema = std::make_shared<Schema>(Schema{{{"v", DataType{TypeId::kInt64}}}});
  Batch batch(schema);
  for (int64_t v : {5, 1, 9, 3, 7}) batch.column(0).Append<int64_t>(v);
  batch.column(0).AppendNull();
  CollectingWriter out;
  WatermarkTracker tracker(out, 0, DataType{TypeId::kInt64}, "3", "9");
  tracker.Write(batch);
  EXPECT_THAT(out.values, ::testing::ElementsAre("5", "3", "7"));
  EXPECT_EQ(tracker.max(), "7");
  EXPECT_EQ(tracker.rows_dropped(), 3);

  CollectingWriter all;
  WatermarkTracker unbounded(all, 0, DataType{TypeId::kInt64});
  unbounded.Write(batch);
  EXPECT_EQ(all.values.size(), 6u) << "without a range NULLs load too";
  EXPECT_EQ(unbounded.max(), "9");
}

TEST(WatermarkTest, InfiniteValuesAreForwardedButNeverTheWatermark) {
  DataType type{TypeId::kTimestamp};
  auto schema = std::make_shared<Schema>(Schema{{{"at", type}}});
  Batch batch(schema);
  for (const char* v : {"infinity", "2026-01-01 00:00:00.000000", "-infinity"}) {
    AppendValueText(batch.column(0), v);
  }
  CollectingWriter out;
  WatermarkTracker tracker(out, 0, type, "2025-01-01 00:00:00.000000");
  tracker.Write(batch);
  EXPECT_THAT(out.values, ::testing::ElementsAre("infinity", "2026-01-01 00:00:00.000000"));
  EXPECT_EQ(tracker.max(), "2026-01-01 00:00:00.000000");

  Batch only_infinite(schema);
  AppendValueText(only_infinite.column(0), "infinity");
  CollectingWriter all;
  WatermarkTracker unbounded(all, 0, type);
  unbounded.Write(only_infinite);
  EXPECT_EQ(all.values.size(), 1u);
  EXPECT_EQ(unbounded.max(), std::nullopt) << "no finite value: the watermark stays where it was";
}

// The boundary digest covers the rows at the largest value and at +infinity,
// in any order, and changes when any value of those rows changes.
TEST(WatermarkTest, BoundaryDigestsTheRowsAtTheLargestValue) {
  auto schema = std::make_shared<Schema>(
      Schema{{{"v", DataType{TypeId::kInt64}}, {"s", DataType{TypeId::kText}}}});
  auto digest = [&](const std::vector<std::pair<int64_t, std::string>>& rows) {
    Batch batch(schema);
    for (const auto& [v, s] : rows) {
      batch.column(0).Append<int64_t>(v);
      batch.column(1).AppendBytes(s);
    }
    CollectingWriter out;
    WatermarkTracker tracker(out, 0, DataType{TypeId::kInt64});
    tracker.Write(batch);
    EXPECT_EQ(tracker.rows_kept(), static_cast<int64_t>(rows.size()));
    return tracker.boundary();
  };
  RowDigest base = digest({{1, "a"}, {9, "x"}, {9, "y"}});
  EXPECT_EQ(base.rows, 2);
  EXPECT_EQ(digest({{9, "y"}, {1, "zzz"}, {9, "x"}}), base) << "order and lower rows do not count";
  EXPECT_NE(digest({{1, "a"}, {9, "x"}, {9, "Y"}}), base) << "a changed value";
  EXPECT_NE(digest({{1, "a"}, {9, "x"}, {9, "y"}, {9, "y"}}), base) << "a row twice";
  EXPECT_EQ(digest({{1, "a"}, {10, "x"}}).rows, 1) << "a larger value starts over";
}

TEST(WatermarkTest, RowsAtPlusInfinityArePartOfTheBoundary) {
  DataType type{TypeId::kTimestamp};
  auto schema = std::make_shared<Schema>(Schema{{{"at", type}}});
  Batch batch(schema);
  for (const char* v : {"infinity", "2026-01-01 00:00:00.000000", "-infinity"}) {
    AppendValueText(batch.column(0), v);
  }
  CollectingWriter out;
  WatermarkTracker tracker(out, 0, type);
  tracker.Write(batch);
  EXPECT_EQ(tracker.boundary().rows, 2) << "the row at the watermark and the one at +infinity";
  EXPECT_EQ(tracker.rows_kept(), 3);
}

}  // namespace
}  // namespace tributary
