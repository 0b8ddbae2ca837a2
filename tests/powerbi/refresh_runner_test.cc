// The refresh step against a Power BI service on 127.0.0.1 that speaks the
// documented protocol (fake_powerbi.h): the exact requests tributary sends,
// and what it does with each documented answer.
#include "powerbi/refresh_runner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "clients/http/url.h"
#include "powerbi/fake_powerbi.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

using testing::FakePowerBi;
using testing::LoopbackReply;
using Ms = std::chrono::milliseconds;

constexpr const char* kSecretVariable = "TRIBUTARY_TEST_POWERBI_SECRET";
constexpr const char* kSecret = "s3cr3t-Value!";

std::string Field(const std::string& form, const std::string& name) {
  for (const auto& [n, v] : ParseQuery(form)) {
    if (n == name) return v;
  }
  return "";
}

PowerBiTable Table(const std::string& name, const std::string& model, bool incremental = false) {
  PowerBiTable t;
  t.table = name;
  t.model = model;
  t.incremental = incremental;
  return t;
}

class RefreshRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv(kSecretVariable, kSecret, 1);
    project_.name = "test";
    project_.dir = dir_.path();
    project_.dbt.enabled = true;
    PowerBiConfig& p = project_.powerbi;
    p.enabled = true;
    p.tenant_id = FakePowerBi::kTenant;
    p.client_id = FakePowerBi::kClientId;
    p.client_secret = std::string("${env:") + kSecretVariable + "}";
    p.authority = fake_.Url();
    p.api_url = fake_.ApiUrl();
    PowerBiSemanticModel sales;
    sales.name = "sales";
    sales.workspace = "Sales Analytics";  // by name
    sales.dataset = "Sales";
    sales.tables = {Table("FactOrders", "fct_orders", true), Table("DimCustomer", "dim_customers")};
    PowerBiSemanticModel finance;
    finance.name = "finance";
    finance.workspace = FakePowerBi::kSalesGroup;  // by id
    finance.dataset = FakePowerBi::kFinanceDataset;
    finance.tables = {Table("FactLedger", "fct_ledger")};
    p.semantic_models = {sales, finance};
    options_.first_poll = Ms(20);
    options_.max_poll = Ms(80);
    options_.timeout = Ms(20'000);
    options_.http.retry.max_attempts = 3;
    options_.http.retry.initial_delay = Ms(10);
    options_.http.retry.max_delay = Ms(2'000);
    options_.http.timeouts.connect = Ms(2'000);
    options_.http.timeouts.stall = Ms(2'000);
  }

  std::vector<TableOutcome> Run(const std::vector<std::string>& models = {}) {
    RefreshPlanRequest request;
    request.models = models;
    return RunRefreshes(project_, PlanRefreshes(project_, nullptr, request), options_,
                        SystemClock::Instance());
  }

  const TableOutcome& Outcome(const std::vector<TableOutcome>& all, const std::string& table) {
    for (const auto& o : all) {
      if (o.ref.table->table == table) return o;
    }
    throw std::runtime_error("no outcome for " + table);
  }

  std::string SalesRefreshes() const {
    return std::string("/groups/") + FakePowerBi::kSalesGroup + "/datasets/" +
           FakePowerBi::kSalesDataset + "/refreshes";
  }

  testing::TempDir dir_{"tributary-pbi-runner"};
  FakePowerBi fake_;
  Project project_;
  RefreshOptions options_;
};

TEST_F(RefreshRunnerTest, OneEnhancedRefreshPerSemanticModelWithTheExactRequests) {
  fake_.ScriptStatuses(FakePowerBi::kSalesDataset, {"NotStarted", "InProgress", "Completed"});
  auto outcomes = Run();
  ASSERT_EQ(outcomes.size(), 3u);
  for (const auto& o : outcomes) {
    EXPECT_EQ(o.status, "succeeded") << o.error;
    EXPECT_EQ(o.request_id.rfind("req-", 0), 0u) << o.request_id;
  }
  // One token for both models: the client-credentials form, cached after.
  auto tokens = fake_.Requests("POST", "/oauth2/v2.0/token");
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].target, "/contoso-tenant/oauth2/v2.0/token");
  EXPECT_EQ(tokens[0].Header("content-type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(Field(tokens[0].body, "grant_type"), "client_credentials");
  EXPECT_EQ(Field(tokens[0].body, "client_id"), "pbi-client");
  EXPECT_EQ(Field(tokens[0].body, "client_secret"), kSecret);
  EXPECT_EQ(Field(tokens[0].body, "scope"), "https://analysis.windows.net/powerbi/api/.default");
  // The workspace and the dataset given by name were looked up.
  auto groups = fake_.Requests("GET", "/groups?");
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].target, "/v1.0/myorg/groups?%24filter=name%20eq%20%27Sales%20Analytics%27");
  // One POST per semantic model, with all its due tables.
  auto sales = fake_.Requests("POST", SalesRefreshes());
  ASSERT_EQ(sales.size(), 1u);
  EXPECT_EQ(sales[0].Header("authorization"), "Bearer tok-1");
  EXPECT_EQ(sales[0].Header("content-type"), "application/json");
  EXPECT_EQ(sales[0].body,
            R"({"type":"full","commitMode":"transactional","objects":[{"table":"FactOrders"},)"
            R"({"table":"DimCustomer"}],"applyRefreshPolicy":true,"timeout":"00:01:00"})");
  auto finance = fake_.Requests("POST", std::string(FakePowerBi::kFinanceDataset) + "/refreshes");
  ASSERT_EQ(finance.size(), 1u);
  EXPECT_EQ(finance[0].body,
            R"({"type":"full","commitMode":"transactional","objects":[{"table":"FactLedger"}],)"
            R"("applyRefreshPolicy":false,"timeout":"00:01:00"})");
  // Polled by the RequestId until Completed: three GETs for the sales model.
  std::string id = Outcome(outcomes, "FactOrders").request_id;
  EXPECT_EQ(fake_.Requests("GET", SalesRefreshes() + "/" + id).size(), 3u);
  EXPECT_TRUE(fake_.Requests("DELETE", "/refreshes/").empty());
}

TEST_F(RefreshRunnerTest, ARefreshThatFailsInPowerBiFailsEachTableWithPowerBisMessage) {
  fake_.ScriptStatuses(FakePowerBi::kSalesDataset, {"InProgress", "Failed"});
  auto outcomes = Run();
  for (const char* table : {"FactOrders", "DimCustomer"}) {
    const auto& o = Outcome(outcomes, table);
    EXPECT_EQ(o.status, "failed");
    EXPECT_NE(o.error.find("semantic model 'sales'"), std::string::npos) << o.error;
    EXPECT_NE(o.error.find(std::string("table '") + table + "' (Failed)"), std::string::npos)
        << o.error;
    EXPECT_NE(o.error.find("ended Failed: ModelRefreshFailed_CredentialsNotSpecified: The "
                           "credentials provided for the source are invalid."),
              std::string::npos)
        << o.error;
  }
  EXPECT_EQ(Outcome(outcomes, "FactLedger").status, "succeeded") << "the other model refreshed";
}

TEST_F(RefreshRunnerTest, CancelledAndDisabledRefreshesAreFailures) {
  for (const char* status : {"Cancelled", "Disabled"}) {
    fake_.ScriptStatuses(FakePowerBi::kFinanceDataset, {"Unknown", status});
    auto outcomes = Run({"finance"});
    ASSERT_EQ(outcomes.size(), 1u);
    EXPECT_EQ(outcomes[0].status, "failed");
    EXPECT_NE(outcomes[0].error.find(std::string("ended ") + status), std::string::npos)
        << outcomes[0].error;
  }
}

TEST_F(RefreshRunnerTest, AModelAlreadyRefreshingIsWaitedForAndAskedAgainWithItsTables) {
  fake_.ScriptPosts(FakePowerBi::kSalesDataset,
                    {LoopbackReply::Answer(409, R"({"error":{"code":"Conflict"}})"),
                     LoopbackReply::Answer(400, R"({"error":{"code":"InvalidRequest","message":)"
                                                R"("Another refresh request is already )"
                                                R"(executing"}})")});
  auto outcomes = Run({"sales"});
  for (const auto& o : outcomes) EXPECT_EQ(o.status, "succeeded") << o.error;
  auto posts = fake_.Requests("POST", SalesRefreshes());
  ASSERT_EQ(posts.size(), 3u);
  EXPECT_EQ(posts[1].body, posts[0].body);
  EXPECT_EQ(posts[2].body, posts[0].body);
  auto times = fake_.PostTimes();
  EXPECT_GE(times[1] - times[0], Ms(15)) << "waited before asking again";
}

TEST_F(RefreshRunnerTest, RunsThatFindTheModelBusyMergeTheirTablesIntoTheNextRequest) {
  fake_.OneRefreshAtATime();
  std::vector<std::string> slow(10, "InProgress");  // about 0.7 s at these polls
  slow.push_back("Completed");
  fake_.ScriptStatuses(FakePowerBi::kSalesDataset, slow);
  project_.powerbi.semantic_models[0].tables.push_back(Table("FactReturns", "fct_returns"));
  // Three runs of the same project (as the daily, hourly and 5-minute jobs
  // would be), each with one table of the sales model.
  auto run = [this](const std::string& table) {
    RefreshPlanRequest request;
    request.tables = {table};
    return RunRefreshes(project_, PlanRefreshes(project_, nullptr, request), options_,
                        SystemClock::Instance());
  };
  std::vector<TableOutcome> daily, hourly, frequent;
  std::thread first([&] { daily = run("FactOrders"); });
  for (int i = 0; i < 500 && fake_.PostTimes().empty(); ++i) std::this_thread::sleep_for(Ms(10));
  std::thread second([&] { hourly = run("DimCustomer"); });
  std::thread third([&] { frequent = run("FactReturns"); });
  first.join();
  second.join();
  third.join();
  for (const auto* outcomes : {&daily, &hourly, &frequent}) {
    ASSERT_EQ(outcomes->size(), 1u);
    EXPECT_EQ((*outcomes)[0].status, "succeeded") << (*outcomes)[0].error;
  }
  EXPECT_NE(daily[0].request_id, hourly[0].request_id);
  EXPECT_EQ(hourly[0].request_id, frequent[0].request_id) << "one request for both waiting runs";
  auto objects = fake_.Body(hourly[0].request_id)["objects"];
  ASSERT_EQ(objects.size(), 2u) << objects.dump();
  std::set<std::string> tables = {objects[0]["table"], objects[1]["table"]};
  EXPECT_EQ(tables, (std::set<std::string>{"DimCustomer", "FactReturns"}));
  EXPECT_GE(fake_.Requests("POST", SalesRefreshes()).size(), 4u) << "409s while the first ran";
}

TEST_F(RefreshRunnerTest, A429IsWaitedOutForItsRetryAfter) {
  auto throttled = LoopbackReply::Answer(429, R"({"error":{"code":"TooManyRequests"}})");
  throttled.headers.emplace_back("Retry-After", "1");
  fake_.ScriptPosts(FakePowerBi::kFinanceDataset, {throttled});
  auto outcomes = Run({"finance"});
  EXPECT_EQ(outcomes[0].status, "succeeded") << outcomes[0].error;
  auto times = fake_.PostTimes();
  ASSERT_EQ(times.size(), 2u);
  EXPECT_GE(times[1] - times[0], Ms(950)) << "Retry-After: 1 honoured";
}

TEST_F(RefreshRunnerTest, ServerErrorsAreRetried) {
  fake_.ScriptPosts(FakePowerBi::kFinanceDataset,
                    {LoopbackReply::Answer(503), LoopbackReply::Answer(500)});
  fake_.ScriptGets(FakePowerBi::kFinanceDataset, {LoopbackReply::Answer(502)});
  auto outcomes = Run({"finance"});
  EXPECT_EQ(outcomes[0].status, "succeeded") << outcomes[0].error;
  EXPECT_EQ(fake_.Requests("POST", "/refreshes").size(), 3u);
}

TEST_F(RefreshRunnerTest, ARefreshSlowerThanTheTimeoutIsCancelled) {
  fake_.ScriptStatuses(FakePowerBi::kFinanceDataset, {"InProgress"});
  options_.timeout = Ms(400);
  auto outcomes = Run({"finance"});
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].status, "failed");
  EXPECT_NE(outcomes[0].error.find("still InProgress after 0.4 s"), std::string::npos)
      << outcomes[0].error;
  EXPECT_NE(outcomes[0].error.find("tributary cancelled refresh " + outcomes[0].request_id),
            std::string::npos)
      << outcomes[0].error;
  auto deletes = fake_.Requests("DELETE", "/refreshes/");
  ASSERT_EQ(deletes.size(), 1u);
  EXPECT_EQ(deletes[0].target, "/v1.0/myorg/groups/" + std::string(FakePowerBi::kSalesGroup) +
                                   "/datasets/" + FakePowerBi::kFinanceDataset + "/refreshes/" +
                                   outcomes[0].request_id);
  EXPECT_EQ(deletes[0].Header("authorization"), "Bearer tok-1");
}

TEST_F(RefreshRunnerTest, AStoppedRunCancelsItsRefresh) {
  fake_.ScriptStatuses(FakePowerBi::kFinanceDataset, {"InProgress"});
  std::atomic<bool> stop{false};
  options_.cancel = &stop;
  std::thread stopper([&] {
    for (int i = 0; i < 500 && fake_.PostTimes().empty(); ++i) std::this_thread::sleep_for(Ms(10));
    stop = true;  // SIGINT / SIGTERM of the run
  });
  auto outcomes = Run({"finance"});
  stopper.join();
  EXPECT_EQ(outcomes[0].status, "failed");
  EXPECT_NE(outcomes[0].error.find("the run was cancelled; tributary cancelled refresh"),
            std::string::npos)
      << outcomes[0].error;
  EXPECT_EQ(fake_.Requests("DELETE", "/refreshes/" + outcomes[0].request_id).size(), 1u);
}

TEST_F(RefreshRunnerTest, ThrottledPollsKeepPolling) {
  fake_.ScriptGets(FakePowerBi::kFinanceDataset,
                   std::vector<LoopbackReply>(3, LoopbackReply::Answer(429)));  // one poll's tries
  auto outcomes = Run({"finance"});
  EXPECT_EQ(outcomes[0].status, "succeeded") << outcomes[0].error;
  EXPECT_EQ(fake_.Requests("GET", "/refreshes/").size(), 4u);
}

TEST_F(RefreshRunnerTest, OnSharedCapacityASlowRefreshIsLeftRunningAndSaidSo) {
  project_.powerbi.capacity = "shared";
  fake_.ScriptStatuses(FakePowerBi::kFinanceDataset, {"Unknown"});
  options_.timeout = Ms(300);
  auto outcomes = Run({"finance"});
  EXPECT_EQ(outcomes[0].status, "failed");
  EXPECT_NE(outcomes[0].error.find("cannot be cancelled: it may still finish"), std::string::npos)
      << outcomes[0].error;
  EXPECT_TRUE(fake_.Requests("DELETE", "/refreshes").empty()) << "no DELETE on shared capacity";
}

TEST_F(RefreshRunnerTest, AWrongSecretIsAClearErrorWithoutTheSecret) {
  fake_.SetSecret("the-real-secret");
  auto outcomes = Run();
  ASSERT_EQ(outcomes.size(), 3u);
  for (const auto& o : outcomes) {
    EXPECT_EQ(o.status, "failed");
    EXPECT_NE(o.error.find("refused the client credentials: HTTP 401: invalid_client "
                           "(AADSTS7000215: Invalid client secret provided. Trace ID: 0)"),
              std::string::npos)
        << o.error;
    EXPECT_NE(o.error.find("semantic model '" + o.ref.semantic_model->name + "'"),
              std::string::npos);
    EXPECT_EQ(o.error.find(kSecret), std::string::npos) << "the secret leaked: " << o.error;
  }
  EXPECT_TRUE(fake_.Requests("POST", "/refreshes").empty());
}

TEST_F(RefreshRunnerTest, AnUnknownDatasetFailsThatModelAndTheOthersStillRefresh) {
  project_.powerbi.semantic_models[1].dataset = "99999999-bbbb-cccc-dddd-eeeeeeeeeeee";
  project_.powerbi.semantic_models[0].dataset = "Sales";
  auto outcomes = Run();
  const auto& ledger = Outcome(outcomes, "FactLedger");
  EXPECT_EQ(ledger.status, "failed");
  EXPECT_NE(ledger.error.find("Power BI semantic model 'finance' (workspace "
                              "'11111111-2222-3333-4444-555555555555', dataset "
                              "'99999999-bbbb-cccc-dddd-eeeeeeeeeeee'), table 'FactLedger'"),
            std::string::npos)
      << ledger.error;
  EXPECT_NE(ledger.error.find("HTTP 404: ItemNotFound"), std::string::npos) << ledger.error;
  EXPECT_EQ(Outcome(outcomes, "FactOrders").status, "succeeded");
}

TEST_F(RefreshRunnerTest, AnUnknownWorkspaceNameIsNamed) {
  project_.powerbi.semantic_models[0].workspace = "Sales Analytix";
  auto outcomes = Run({"sales"});
  EXPECT_EQ(outcomes[0].status, "failed");
  EXPECT_NE(outcomes[0].error.find("no workspace named 'Sales Analytix' is visible"),
            std::string::npos)
      << outcomes[0].error;
}

TEST_F(RefreshRunnerTest, AConnectionDroppedMidPollIsRetried) {
  fake_.ScriptGets(FakePowerBi::kFinanceDataset, {LoopbackReply::Drop(), LoopbackReply::Drop()});
  fake_.ScriptStatuses(FakePowerBi::kFinanceDataset, {"InProgress", "Completed"});
  auto outcomes = Run({"finance"});
  EXPECT_EQ(outcomes[0].status, "succeeded") << outcomes[0].error;
}

TEST_F(RefreshRunnerTest, ANetworkThatStaysDownLosesTrackOfTheRefreshAndSaysSo) {
  std::vector<LoopbackReply> drops(9, LoopbackReply::Drop());  // 3 polls of 3 attempts
  fake_.ScriptGets(FakePowerBi::kFinanceDataset, drops);
  auto outcomes = Run({"finance"});
  EXPECT_EQ(outcomes[0].status, "failed");
  EXPECT_NE(outcomes[0].error.find("lost track of refresh " + outcomes[0].request_id +
                                   " (3 polls in a row got no answer"),
            std::string::npos)
      << outcomes[0].error;
  EXPECT_NE(outcomes[0].error.find("the next run refreshes these tables again"), std::string::npos);
}

TEST_F(RefreshRunnerTest, SharedCapacitySendsAPlainRefreshAndFollowsTheHistory) {
  project_.powerbi.capacity = "shared";
  fake_.ScriptStatuses(FakePowerBi::kFinanceDataset, {"Unknown", "Completed"});
  auto outcomes = Run({"finance"});
  EXPECT_EQ(outcomes[0].status, "succeeded") << outcomes[0].error;
  auto posts = fake_.Requests("POST", "/refreshes");
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].body, R"({"notifyOption":"NoNotification"})");
  auto polls = fake_.Requests("GET", "/refreshes?");
  ASSERT_EQ(polls.size(), 2u);
  EXPECT_NE(polls[0].target.find("/refreshes?%24top=20"), std::string::npos) << polls[0].target;
}

TEST_F(RefreshRunnerTest, ASecretThatCannotBeResolvedFailsEveryTableByItsReference) {
  unsetenv(kSecretVariable);
  auto outcomes = Run();
  ASSERT_EQ(outcomes.size(), 3u);
  for (const auto& o : outcomes) {
    EXPECT_EQ(o.status, "failed");
    EXPECT_NE(o.error.find(kSecretVariable), std::string::npos) << o.error;
  }
  EXPECT_TRUE(fake_.Requests().empty());
}

}  // namespace
}  // namespace tributary
