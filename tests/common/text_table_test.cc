#include "common/text_table.h"

#include <gtest/gtest.h>

namespace tributary {
namespace {

TEST(TextTableTest, PadsByCodePointsAndAlignsNumbersRight) {
  TextTable t({"table", "rows", "note"});
  t.AlignRight(1);
  t.AddRow({"kunder_øst", "1,234", "ok"});
  t.AddRow({"orders", "5", "FAILED"});
  EXPECT_EQ(t.Render(),
            "table        rows  note\n"
            "----------  -----  ------\n"
            "kunder_øst  1,234  ok\n"
            "orders          5  FAILED\n");
}

TEST(TextTableTest, FormatsCountsBytesAndDurations) {
  EXPECT_EQ(FormatCount(0), "0");
  EXPECT_EQ(FormatCount(999), "999");
  EXPECT_EQ(FormatCount(1000), "1,000");
  EXPECT_EQ(FormatCount(-1234567), "-1,234,567");
  EXPECT_EQ(FormatBytes(999), "999 B");
  EXPECT_EQ(FormatBytes(12'345'678), "12.3 MB");
  EXPECT_EQ(FormatDuration(0.25), "250ms");
  EXPECT_EQ(FormatDuration(12.44), "12.4s");
  EXPECT_EQ(FormatDuration(185), "3m05s");
  EXPECT_EQ(FormatDuration(2 * 3600 + 14 * 60), "2h14m");
  EXPECT_EQ(FormatDuration(3 * 86400 + 4 * 3600), "3d04h");
}

}  // namespace
}  // namespace tributary
