// Frequencies ordered by how often their cron fires.
#include "config/frequency_rank.h"

#include <gtest/gtest.h>

namespace tributary {
namespace {

TEST(DbtFrequencyRankTest, FiresPerWeek) {
  EXPECT_DOUBLE_EQ(FiresPerWeek("0 0/5 * * * ?", "UTC"), 2016);
  EXPECT_DOUBLE_EQ(FiresPerWeek("0 0 * * * ?", "UTC"), 168);
  EXPECT_NEAR(FiresPerWeek("0 0 5 * * ?", "Europe/Oslo"), 7, 1e-9);
  EXPECT_NEAR(FiresPerWeek("0 30 5 ? * MON-FRI", "UTC"), 5, 0.02);
  EXPECT_NEAR(FiresPerWeek("0 0 0 L * ?", "UTC"), 12 * 7 / 366.0 * 1, 0.03);
}

TEST(DbtFrequencyRankTest, OrdersMostFrequentFirstAndTiesAreEqual) {
  std::vector<FrequencyConfig> fs = {{"daily", "0 0 5 * * ?", "Europe/Oslo", {}},
                                     {"nightly", "0 0 1 * * ?", "UTC", {}},
                                     {"hourly", "0 0 * * * ?", "UTC", {}},
                                     {"weekdays", "0 0 6 ? * MON-FRI", "UTC", {}},
                                     {"broken", "not a cron", "UTC", {}}};
  FrequencyRank rank(fs);
  EXPECT_EQ(rank.Ordered(),
            (std::vector<std::string>{"hourly", "daily", "nightly", "weekdays", "broken"}));
  EXPECT_TRUE(rank.MoreFrequent("hourly", "daily"));
  EXPECT_FALSE(rank.MoreFrequent("daily", "nightly"));
  EXPECT_FALSE(rank.MoreFrequent("nightly", "daily"));
  EXPECT_EQ(rank.SameOrHigher("daily"), (std::vector<std::string>{"hourly", "daily", "nightly"}));
  EXPECT_EQ(rank.SameOrHigher("hourly"), std::vector<std::string>{"hourly"});
  EXPECT_EQ(rank.Rate("broken"), 0);
  EXPECT_EQ(rank.Rate("unknown"), 0);
}

}  // namespace
}  // namespace tributary
