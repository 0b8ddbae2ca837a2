// SQL Server LSNs: parsing both spellings, formatting, order, increment.
#include "source/sqlserver/sqlserver_cdc_lsn.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace tributary {
namespace {

TEST(SqlServerLsnTest, ParsesHexAndColonFormsToTheSameValue) {
  auto hex = SqlServerLsn::Parse("0x0000002A000001F00003");
  auto lower = SqlServerLsn::Parse("0000002a000001f00003");
  auto colon = SqlServerLsn::Parse("0000002a:000001f0:0003");
  ASSERT_TRUE(hex && lower && colon);
  EXPECT_EQ(*hex, *lower);
  EXPECT_EQ(*hex, *colon);
  EXPECT_EQ(hex->ToString(), "0x0000002A000001F00003");
  EXPECT_EQ(hex->Bytes(), std::string("\x00\x00\x00\x2a\x00\x00\x01\xf0\x00\x03", 10));
}

TEST(SqlServerLsnTest, RejectsMalformedText) {
  EXPECT_FALSE(SqlServerLsn::Parse(""));
  EXPECT_FALSE(SqlServerLsn::Parse("0x0000002A000001F0000"));    // 19 digits
  EXPECT_FALSE(SqlServerLsn::Parse("0x0000002A000001F000033"));  // 21 digits
  EXPECT_FALSE(SqlServerLsn::Parse("0x0000002A000001F0000G"));
  EXPECT_FALSE(SqlServerLsn::Parse("0000002a:000001f0:003"));
  EXPECT_THROW(SqlServerLsn::FromBytes("short"), Error);
}

TEST(SqlServerLsnTest, OrdersBytewiseLikeBinaryInTsql) {
  auto a = *SqlServerLsn::Parse("0x0000002A000001F00003");
  auto b = *SqlServerLsn::Parse("0x0000002A000001F10000");  // later block, lower slot
  auto c = *SqlServerLsn::Parse("0x0000002B000000000000");  // later VLF
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_TRUE(SqlServerLsn().IsZero());
  EXPECT_FALSE(a.IsZero());
  EXPECT_LT(SqlServerLsn(), a);
}

TEST(SqlServerLsnTest, NextIsPlusOneWithCarry) {
  EXPECT_EQ(SqlServerLsn::Parse("0x0000002A000001F00003")->Next().ToString(),
            "0x0000002A000001F00004");
  EXPECT_EQ(SqlServerLsn::Parse("0x0000002A000001F0FFFF")->Next().ToString(),
            "0x0000002A000001F10000");
  EXPECT_EQ(SqlServerLsn::Parse("0x0000002AFFFFFFFFFFFF")->Next().ToString(),
            "0x0000002B000000000000");
  EXPECT_THROW(SqlServerLsn::Parse("0xFFFFFFFFFFFFFFFFFFFF")->Next(), Error);
}

}  // namespace
}  // namespace tributary
