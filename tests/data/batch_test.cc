#include "data/batch.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace tributary {
namespace {

std::shared_ptr<const Schema> MixedSchema() {
  auto s = std::make_shared<Schema>();
  s->fields = {
      {"id", {TypeId::kInt64}}, {"name", {TypeId::kText}}, {"amount", DataType::Decimal(18, 2)}};
  return s;
}

TEST(BatchTest, KeepsRowsAlignedAcrossNulls) {
  Batch b(MixedSchema());
  b.column(0).Append<int64_t>(7);
  b.column(1).AppendNull();
  b.column(2).Append<Int128>(12345);
  b.column(0).AppendNull();
  b.column(1).AppendBytes("héllo");
  b.column(2).AppendNull();
  ASSERT_EQ(b.num_rows(), 2u);
  EXPECT_EQ(b.column(0).Get<int64_t>(0), 7);
  EXPECT_TRUE(b.column(0).IsNull(1));
  EXPECT_TRUE(b.column(1).IsNull(0));
  EXPECT_EQ(b.column(1).GetBytes(1), "héllo");
  EXPECT_EQ(b.column(2).Get<Int128>(0), 12345);
  EXPECT_EQ(b.column(1).null_count(), 1u);
}

TEST(BatchTest, ClearEmptiesEveryColumnButKeepsSchema) {
  Batch b(MixedSchema());
  b.column(0).Append<int64_t>(1);
  b.column(1).AppendBytes("x");
  b.column(2).Append<Int128>(1);
  EXPECT_GT(b.ByteSize(), 0u);
  b.Clear();
  EXPECT_EQ(b.num_rows(), 0u);
  b.column(1).AppendBytes("yz");
  EXPECT_EQ(b.column(1).GetBytes(0), "yz");
}

TEST(BatchTest, ColumnsKeepEveryValueAcrossGrowthAndCopies) {
  Column ints(DataType{TypeId::kInt64});
  Column text(DataType{TypeId::kText});
  for (int64_t i = 0; i < 10'000; ++i) {
    if (i % 7 == 0) {
      ints.AppendNull();
      text.AppendNull();
      continue;
    }
    ints.Append<int64_t>(i * 3);
    text.AppendBytes(std::string(static_cast<size_t>(i % 13), static_cast<char>('a' + i % 26)));
  }
  Column copy = ints;
  Column text_copy(DataType{TypeId::kText});
  text_copy = text;
  ints.Clear();  // the copies own their bytes
  text.Clear();
  ints.Append<int64_t>(-1);
  ASSERT_EQ(copy.size(), 10'000u);
  for (int64_t i = 0; i < 10'000; ++i) {
    auto row = static_cast<size_t>(i);
    if (i % 7 == 0) {
      EXPECT_TRUE(copy.IsNull(row));
      EXPECT_EQ(copy.Get<int64_t>(row), 0) << "a null row's slot is zeroed";
      EXPECT_TRUE(text_copy.IsNull(row));
      continue;
    }
    ASSERT_EQ(copy.Get<int64_t>(row), i * 3) << i;
    ASSERT_EQ(text_copy.GetBytes(row),
              std::string(static_cast<size_t>(i % 13), static_cast<char>('a' + i % 26)))
        << i;
  }
  EXPECT_EQ(ints.Get<int64_t>(0), -1);
}

TEST(TypesTest, NamesRoundTrip) {
  for (auto id : {TypeId::kBool, TypeId::kInt16, TypeId::kInt32, TypeId::kInt64, TypeId::kFloat32,
                  TypeId::kFloat64, TypeId::kText, TypeId::kBytes, TypeId::kDate, TypeId::kTime,
                  TypeId::kTimestamp, TypeId::kTimestampTz, TypeId::kInterval, TypeId::kUuid,
                  TypeId::kJson}) {
    DataType t{id};
    EXPECT_EQ(ParseTypeName(TypeName(t)), t) << TypeName(t);
  }
  EXPECT_EQ(ParseTypeName("decimal(38,10)"), DataType::Decimal(38, 10));
  EXPECT_THROW(DataType::Decimal(39, 0), Error);
  EXPECT_THROW(ParseTypeName("varchar2"), Error);
}

}  // namespace
}  // namespace tributary
