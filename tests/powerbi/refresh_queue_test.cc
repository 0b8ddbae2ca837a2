// The per-semantic-model queue that merges the tables of runs waiting for a
// busy model into one next request, across processes (each RefreshQueue here
// stands for one process: the file and its lock are shared, the ticket not).
#include "powerbi/refresh_queue.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace tributary {
namespace {

std::vector<std::string> Names(const std::vector<QueuedTable>& tables) {
  std::vector<std::string> out;
  for (const auto& t : tables) out.push_back(t.table + (t.incremental ? "*" : ""));
  return out;
}

class RefreshQueueTest : public ::testing::Test {
 protected:
  // A `post` that finds the model busy, and one that starts refresh `id`,
  // remembering the tables it was given.
  RefreshQueue::Post Busy() {
    return [](const std::vector<QueuedTable>&) { return std::string(); };
  }
  RefreshQueue::Post Accept(const std::string& id) {
    return [this, id](const std::vector<QueuedTable>& tables) {
      posted_ = Names(tables);
      return id;
    };
  }

  testing::TempDir dir_{"tributary-pbi-queue"};
  std::vector<std::string> posted_;
};

TEST_F(RefreshQueueTest, WaitingTablesGoIntoTheNextRequestAndTheirRunFollowsIt) {
  RefreshQueue hourly(dir_.path(), "sales"), frequent(dir_.path(), "sales"),
      daily(dir_.path(), "sales");
  EXPECT_EQ(hourly.Take({{"DimCustomer", false}}, Busy()).request_id, "");
  EXPECT_EQ(frequent.Take({{"FactOrders", true}}, Busy()).request_id, "");
  auto sent = hourly.Take({{"DimCustomer", false}}, Accept("req-2"));
  EXPECT_EQ(sent.request_id, "req-2");
  EXPECT_FALSE(sent.merged);
  EXPECT_EQ(posted_, (std::vector<std::string>{"DimCustomer", "FactOrders*"}));
  EXPECT_EQ(Names(sent.sent), posted_);
  posted_.clear();
  auto followed = frequent.Take({{"FactOrders", true}}, Accept("never"));
  EXPECT_EQ(followed.request_id, "req-2");
  EXPECT_TRUE(followed.merged);
  EXPECT_TRUE(posted_.empty()) << "no second request";
  // A run that starts later is not taken for a follower of an old request.
  auto later = daily.Take({{"FactOrders", false}}, Accept("req-3"));
  EXPECT_FALSE(later.merged);
  EXPECT_EQ(later.request_id, "req-3");
  EXPECT_EQ(posted_, (std::vector<std::string>{"FactOrders"}));
}

TEST_F(RefreshQueueTest, TablesOfARunThatDiedWhileWaitingAreSentByTheNextOne) {
  {
    RefreshQueue died(dir_.path(), "sales");
    died.Take({{"FactLedger", false}}, Busy());
  }
  RefreshQueue next(dir_.path(), "sales");
  next.Take({{"FactOrders", false}}, Accept("req-1"));
  EXPECT_EQ(posted_, (std::vector<std::string>{"FactOrders", "FactLedger"}));
  RefreshQueue after(dir_.path(), "sales");
  after.Take({{"FactOrders", false}}, Accept("req-2"));
  EXPECT_EQ(posted_, (std::vector<std::string>{"FactOrders"})) << "sent once, then gone";
  RefreshQueue other_model(dir_.path(), "finance/eu");
  other_model.Take({{"FactLedger", false}}, Accept("req-3"));
  EXPECT_EQ(posted_, (std::vector<std::string>{"FactLedger"}));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "finance_eu.queue.json"));
}

TEST_F(RefreshQueueTest, AFailedPostLeavesTheQueueAsItWas) {
  RefreshQueue waiting(dir_.path(), "sales"), failing(dir_.path(), "sales");
  waiting.Take({{"DimCustomer", false}}, Busy());
  EXPECT_THROW(failing.Take({{"FactOrders", false}},
                            [](const std::vector<QueuedTable>&) -> std::string {
                              throw std::runtime_error("HTTP 404");
                            }),
               std::runtime_error);
  RefreshQueue next(dir_.path(), "sales");
  next.Take({{"FactOrders", false}}, Accept("req-1"));
  EXPECT_EQ(posted_, (std::vector<std::string>{"FactOrders", "DimCustomer"}));
}

}  // namespace
}  // namespace tributary
