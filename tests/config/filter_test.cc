#include "config/filter.h"

#include <gtest/gtest.h>

namespace tributary {
namespace {

Task MakeTask(std::string strategy, std::string server, std::string table, std::string frequency) {
  Task t;
  t.database = server == "crm" ? "CRM" : "CMS";
  t.strategy = std::move(strategy);
  t.server = std::move(server);
  t.source_schema = "dbo";
  t.source_table = table;
  t.frequency = std::move(frequency);
  t.sink_table = "x__" + table;
  return t;
}

// Named members, not a braced temporary: GCC 12 at -O3 reports a false
// -Wmaybe-uninitialized for {"hourly", "", "", {}}.
FrequencyConfig MakeFrequency(std::string name) {
  FrequencyConfig f;
  f.name = std::move(name);
  return f;
}

class FilterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    project_.servers = {{"coredb", "sqlite", {}, {}}, {"crm", "sqlite", {}, {}}};
    project_.frequencies = {MakeFrequency("hourly"), MakeFrequency("daily")};
    project_.tasks = {MakeTask("full", "coredb", "addresses", "daily"),
                      MakeTask("full", "coredb", "consents", "hourly"),
                      MakeTask("query", "crm", "contacts", "hourly"),
                      MakeTask("selected_columns", "crm", "contracts", "daily")};
  }
  std::vector<std::string> Tables(const TaskFilter& f) {
    std::vector<std::string> out;
    for (const auto& t : SelectTasks(project_, f)) out.push_back(t.source_table);
    return out;
  }
  Project project_;
};

TEST_F(FilterTest, EmptyFilterSelectsEverythingInOrder) {
  EXPECT_EQ(Tables({}),
            (std::vector<std::string>{"addresses", "consents", "contacts", "contracts"}));
}

TEST_F(FilterTest, FiltersCombineAndAcceptListsAndGlobs) {
  TaskFilter f;
  f.frequencies = {"hourly"};
  EXPECT_EQ(Tables(f), (std::vector<std::string>{"consents", "contacts"}));
  f.servers = {"crm"};
  EXPECT_EQ(Tables(f), (std::vector<std::string>{"contacts"}));
  TaskFilter g;
  g.tables = {"con*", "dbo.addresses"};
  EXPECT_EQ(Tables(g),
            (std::vector<std::string>{"addresses", "consents", "contacts", "contracts"}));
  TaskFilter h;
  h.strategies = {"full, query"};
  h.tables = {"x__contacts"};
  EXPECT_EQ(Tables(h), (std::vector<std::string>{"contacts"}));
  TaskFilter d;
  d.databases = {"CRM"};
  EXPECT_EQ(Tables(d).size(), 2u);
}

TEST_F(FilterTest, UnmatchedValuesAreReportedWithSuggestions) {
  TaskFilter f;
  f.servers = {"coredbb"};
  f.tables = {"adresses"};
  f.strategies = {"ful"};
  auto warnings = UnmatchedFilterValues(project_, f);
  ASSERT_EQ(warnings.size(), 3u);
  EXPECT_EQ(warnings[0],
            "--server 'coredbb' matches no server (did you mean 'coredb'?); known: coredb, crm");
  EXPECT_NE(warnings[1].find("did you mean 'full'?"), std::string::npos);
  EXPECT_EQ(warnings[2], "--tables 'adresses' matches no table (did you mean 'addresses'?)");
}

TEST_F(FilterTest, AnEmptySelectionSaysWhatEachFilterSelectsAlone) {
  TaskFilter f;
  EXPECT_TRUE(FilterIsEmpty(f));
  f.servers = {" , "};
  EXPECT_TRUE(FilterIsEmpty(f)) << "only separators: no value";
  f.servers = {"crm"};
  f.strategies = {"full"};
  f.tables = {"con*"};
  EXPECT_FALSE(FilterIsEmpty(f));
  EXPECT_TRUE(Tables(f).empty());
  EXPECT_EQ(DescribeEmptySelection(project_, f),
            "--server crm: 2 tables; --strategy full: 2 tables; --tables con*: 3 tables");
  TaskFilter g;
  g.frequencies = {"hourly,daily"};
  g.databases = {"CRM"};
  g.strategies = {"full"};
  EXPECT_EQ(DescribeEmptySelection(project_, g),
            "--strategy full: 2 tables; --database CRM: 2 tables; --frequency hourly,daily: 4 "
            "tables");
}

TEST(GlobTest, StarMatchesAnyRun) {
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("a*c", "abbbc"));
  EXPECT_TRUE(GlobMatch("*lines", "order_lines"));
  EXPECT_FALSE(GlobMatch("a*c", "abcd"));
  EXPECT_FALSE(GlobMatch("orders", "orders2"));
  EXPECT_EQ(SplitList({"a, b", "", "c,,"}), (std::vector<std::string>{"a", "b", "c"}));
}

}  // namespace
}  // namespace tributary
