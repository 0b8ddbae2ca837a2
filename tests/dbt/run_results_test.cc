// run_results.json: the real one beside the repository, and the statuses a
// failing build writes.
#include "dbt/run_results.h"

#include <gtest/gtest.h>

#include "dbt/dbt_error.h"
#include "dbt/dbt_testing.h"

namespace tributary {
namespace {

int64_t Micros(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

TEST(DbtRunResultsTest, ReadsTheReferenceRunResults) {
  RunResults r = LoadRunResults(testing::ReferenceFile("run_results-dbt_analytics.json"));
  EXPECT_EQ(r.invocation_id, "949e9ce2-2008-407f-b5e1-e4b50b3977c5");
  ASSERT_FALSE(r.results.empty());
  const NodeResult* tx = r.Find("model.analytics.stg_csparc__transactions");
  ASSERT_NE(tx, nullptr);
  EXPECT_EQ(tx->status, "success");
  EXPECT_TRUE(tx->Built());
  EXPECT_NEAR(tx->execution_seconds, 0.0893, 1e-3);
  ASSERT_TRUE(tx->started_at && tx->completed_at);
  // compile started 05:54:43.363154Z; execute completed 05:54:43.419096Z.
  EXPECT_EQ(Micros(*tx->started_at), 1751176483363154);
  EXPECT_EQ(Micros(*tx->completed_at), 1751176483419096);
  EXPECT_EQ(tx->rows_affected, -1);
  EXPECT_EQ(r.Find("model.analytics.nope"), nullptr);
}

TEST(DbtRunResultsTest, KeepsErrorsAndRowsInFull) {
  std::string text = R"({"metadata": {"invocation_id": "x"}, "elapsed_time": 2.5, "results": [
    {"unique_id": "model.p.a", "status": "error", "timing": [], "execution_time": 0.1,
     "adapter_response": {}, "message": "Runtime Error in model a\n  Binder Error: no column q"},
    {"unique_id": "model.p.b", "status": "skipped", "timing": [], "message": null},
    {"unique_id": "model.p.c", "status": "success", "adapter_response": {"rows_affected": 42}}]})";
  RunResults r = ParseRunResults(text, "run_results.json");
  EXPECT_DOUBLE_EQ(r.elapsed_seconds, 2.5);
  ASSERT_EQ(r.results.size(), 3u);
  EXPECT_FALSE(r.results[0].Built());
  EXPECT_EQ(r.results[0].message, "Runtime Error in model a\n  Binder Error: no column q");
  EXPECT_EQ(r.results[1].status, "skipped");
  EXPECT_EQ(r.results[1].message, "");
  EXPECT_EQ(r.results[2].rows_affected, 42);
  EXPECT_THROW(ParseRunResults("{}", "x.json"), DbtError);
  EXPECT_THROW(LoadRunResults("/nonexistent/run_results.json"), DbtError);
}

}  // namespace
}  // namespace tributary
