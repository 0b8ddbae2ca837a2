// The SQL Server CDC decision logic: initial load, windows, empty windows,
// gaps, capture-instance switches and the errors that must stop a run.
#include "source/sqlserver/sqlserver_cdc_plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tributary {
namespace {

using ::testing::HasSubstr;

// LSN with the given low 64 bits: easy arithmetic in tests.
SqlServerLsn L(uint64_t n) {
  std::string bytes(10, '\0');
  for (int i = 9; i >= 2; --i, n >>= 8) bytes[i] = static_cast<char>(n & 0xFF);
  return SqlServerLsn::FromBytes(bytes);
}

SqlServerCaptureInstance Ci(const std::string& name, std::optional<uint64_t> start, uint64_t min) {
  return {name, start ? std::optional(L(*start)) : std::nullopt, L(min)};
}

const TableRef kOrders{"dbo", "orders"};
const char* kWhere = "sqlserver server 'core' database 'sales'";

SqlServerCdcPlan Plan(const SqlServerCdcFacts& facts) {
  return PlanSqlServerCdc(facts, kOrders, kWhere);
}

std::string ErrorOf(const SqlServerCdcFacts& facts) {
  try {
    Plan(facts);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "<no error>";
}

SqlServerCdcFacts Stored(const std::string& ci, uint64_t at, uint64_t max) {
  SqlServerCdcFacts f;
  f.stored = SqlServerCdcPosition{ci, L(at)};
  f.max_lsn = L(max);
  return f;
}

TEST(SqlServerCdcPlanTest, InitialLoadRecordsTheMaxLsnOfTheNewestInstance) {
  SqlServerCdcFacts f;
  f.max_lsn = L(500);
  f.instances = {Ci("dbo_orders_v2", 300, 300), Ci("dbo_orders", 100, 120)};
  SqlServerCdcPlan p = Plan(f);
  EXPECT_EQ(p.action, SqlServerCdcAction::kInitialLoad);
  EXPECT_EQ(p.next, (SqlServerCdcPosition{"dbo_orders_v2", L(500)}));
  EXPECT_TRUE(p.segments.empty());
  EXPECT_THAT(p.note, HasSubstr("initial load: snapshot of dbo.orders bounded by LSN"));
}

TEST(SqlServerCdcPlanTest, InitialLoadWaitsForTheCaptureJob) {
  SqlServerCdcFacts f;
  f.instances = {Ci("dbo_orders", std::nullopt, 0)};
  f.max_lsn = L(50);
  EXPECT_EQ(Plan(f).action, SqlServerCdcAction::kNotReady);
  EXPECT_THAT(Plan(f).note, HasSubstr("has no start LSN yet"));
  f.instances = {Ci("dbo_orders", 100, 100)};
  EXPECT_EQ(Plan(f).action, SqlServerCdcAction::kNotReady);  // max 50 < start 100
  f.max_lsn.reset();
  EXPECT_THAT(Plan(f).note, HasSubstr("has not yet caught up"));
}

TEST(SqlServerCdcPlanTest, ATableWithoutCaptureInstanceSaysHowToEnableIt) {
  SqlServerCdcFacts f;
  f.max_lsn = L(10);
  EXPECT_THAT(ErrorOf(f),
              HasSubstr("table 'dbo.orders' has no change data capture instance: enable CDC on it "
                        "with `EXEC sys.sp_cdc_enable_table @source_schema = N'dbo', @source_name "
                        "= N'orders', @role_name = NULL;`"));
}

TEST(SqlServerCdcPlanTest, WindowReadsFromTheIncrementToTheMaxFixedAtStart) {
  SqlServerCdcFacts f = Stored("dbo_orders", 200, 260);
  f.instances = {Ci("dbo_orders", 100, 150)};
  SqlServerCdcPlan p = Plan(f);
  EXPECT_EQ(p.action, SqlServerCdcAction::kReadWindow);
  ASSERT_EQ(p.segments.size(), 1u);
  EXPECT_EQ(p.segments[0], (SqlServerCdcSegment{"dbo_orders", L(201), L(260), std::nullopt}));
  EXPECT_EQ(p.next, (SqlServerCdcPosition{"dbo_orders", L(260)}));
}

TEST(SqlServerCdcPlanTest, TheServersIncrementIsPreferred) {
  SqlServerCdcFacts f = Stored("dbo_orders", 200, 260);
  f.next_after_stored = L(205);
  f.instances = {Ci("dbo_orders", 100, 150)};
  EXPECT_EQ(Plan(f).segments[0].from, L(205));
}

TEST(SqlServerCdcPlanTest, EmptyWindowKeepsThePosition) {
  SqlServerCdcFacts f = Stored("dbo_orders", 260, 260);
  f.instances = {Ci("dbo_orders", 100, 150)};
  SqlServerCdcPlan p = Plan(f);
  EXPECT_EQ(p.action, SqlServerCdcAction::kEmptyWindow);
  EXPECT_TRUE(p.segments.empty());
  EXPECT_EQ(p.next, *f.stored);
}

TEST(SqlServerCdcPlanTest, GapWhenCleanupPassedTheStoredPosition) {
  SqlServerCdcFacts f = Stored("dbo_orders", 200, 900);
  f.instances = {Ci("dbo_orders", 100, 202)};  // changes at 201 may be gone
  try {
    Plan(f);
    FAIL() << "expected a gap";
  } catch (const SqlServerCdcGapError& e) {
    std::string m = e.what();
    EXPECT_THAT(m,
                HasSubstr(std::string(kWhere) + ": table 'dbo.orders': GAP — change data "
                                                "capture lost changes: tributary has landed them "
                                                "up to LSN 0x000000000000000000C8"));
    EXPECT_THAT(m, HasSubstr("now starts at 0x000000000000000000CA after cleanup"));
    EXPECT_THAT(m, HasSubstr("re-snapshot the table with `tributary backfill --tables "
                             "dbo.orders`"));
    EXPECT_THAT(m, HasSubstr("@retention"));
  }
}

TEST(SqlServerCdcPlanTest, MinimumRightAfterTheStoredPositionIsNoGap) {
  SqlServerCdcFacts f = Stored("dbo_orders", 200, 900);
  f.instances = {Ci("dbo_orders", 100, 201)};
  EXPECT_EQ(Plan(f).segments.at(0).from, L(201));
}

TEST(SqlServerCdcPlanTest, AnIdleTableOutlivingRetentionRaisesNoFalseGap) {
  // Every run commits the window's upper bound even when nothing changed,
  // so cleanup (which trails max by the retention) never overtakes it.
  SqlServerCdcFacts f;
  f.instances = {Ci("dbo_orders", 100, 100)};
  f.max_lsn = L(1000);
  SqlServerCdcPosition at = Plan(f).next;  // initial load
  for (uint64_t run = 1; run <= 50; ++run) {
    uint64_t max = 1000 + run * 100;
    f.stored = at;
    f.max_lsn = L(max);
    f.instances[0].min_lsn = L(max - 150);  // retention: well behind max
    SqlServerCdcPlan p = Plan(f);
    ASSERT_EQ(p.action, SqlServerCdcAction::kReadWindow) << run;
    ASSERT_GT(p.next.lsn, at.lsn);
    at = p.next;
  }
}

TEST(SqlServerCdcPlanTest, UnreadableInstanceIsAnErrorNotEverything) {
  SqlServerCdcFacts f = Stored("dbo_orders", 200, 260);
  f.instances = {Ci("dbo_orders", 100, 0)};
  EXPECT_THAT(ErrorOf(f), HasSubstr("sys.fn_cdc_get_min_lsn('dbo_orders') returned "
                                    "0x00000000000000000000: the capture instance is gone or the "
                                    "user may not read it"));
}

TEST(SqlServerCdcPlanTest, ADatabaseThatWentBackInTimeIsRefused) {
  SqlServerCdcFacts f = Stored("dbo_orders", 500, 400);
  f.instances = {Ci("dbo_orders", 100, 150)};
  EXPECT_THAT(ErrorOf(f),
              HasSubstr("the stored position 0x000000000000000001F4 is ahead of the "
                        "newest LSN the database has captured (0x00000000000000000190)"));
  f.max_lsn.reset();
  EXPECT_THAT(ErrorOf(f), HasSubstr("captured (none): the database was restored or replaced"));
}

TEST(SqlServerCdcPlanTest, SecondInstanceTakesOverAtItsStart) {
  SqlServerCdcFacts f = Stored("dbo_orders", 200, 900);
  f.instances = {Ci("dbo_orders", 100, 150), Ci("dbo_orders_v2", 500, 500)};
  SqlServerCdcPlan p = Plan(f);
  ASSERT_EQ(p.segments.size(), 2u);
  EXPECT_EQ(p.segments[0], (SqlServerCdcSegment{"dbo_orders", L(201), L(900), L(500)}));
  EXPECT_EQ(p.segments[1], (SqlServerCdcSegment{"dbo_orders_v2", L(500), L(900), std::nullopt}));
  EXPECT_EQ(p.next, (SqlServerCdcPosition{"dbo_orders_v2", L(900)}));
  EXPECT_THAT(p.note, HasSubstr("switching to capture instance 'dbo_orders_v2'"));
}

TEST(SqlServerCdcPlanTest, SwitchWaitsUntilTheMaxReachesTheNewStart) {
  SqlServerCdcFacts f = Stored("dbo_orders", 200, 400);
  f.instances = {Ci("dbo_orders", 100, 150), Ci("dbo_orders_v2", 500, 500)};
  SqlServerCdcPlan p = Plan(f);
  ASSERT_EQ(p.segments.size(), 1u);
  EXPECT_EQ(p.segments[0], (SqlServerCdcSegment{"dbo_orders", L(201), L(400), L(500)}));
  EXPECT_EQ(p.next, (SqlServerCdcPosition{"dbo_orders", L(400)}));
}

TEST(SqlServerCdcPlanTest, AlreadyPastTheNewStartReadsOnlyTheNewInstance) {
  SqlServerCdcFacts f = Stored("dbo_orders", 600, 900);
  f.instances = {Ci("dbo_orders", 100, 150), Ci("dbo_orders_v2", 500, 500)};
  SqlServerCdcPlan p = Plan(f);
  ASSERT_EQ(p.segments.size(), 1u);
  EXPECT_EQ(p.segments[0], (SqlServerCdcSegment{"dbo_orders_v2", L(601), L(900), std::nullopt}));
}

TEST(SqlServerCdcPlanTest, HandoverMovesUpWhenCleanupTrimmedTheNewInstance) {
  SqlServerCdcFacts f = Stored("dbo_orders", 200, 900);
  f.instances = {Ci("dbo_orders", 100, 150), Ci("dbo_orders_v2", 500, 650)};
  SqlServerCdcPlan p = Plan(f);
  ASSERT_EQ(p.segments.size(), 2u);
  EXPECT_EQ(p.segments[0].below, L(650));
  EXPECT_EQ(p.segments[1].from, L(650));
}

TEST(SqlServerCdcPlanTest, NewInstanceWithoutStartLsnIsIgnoredForNow) {
  SqlServerCdcFacts f = Stored("dbo_orders", 200, 900);
  f.instances = {Ci("dbo_orders", 100, 150), Ci("dbo_orders_v2", std::nullopt, 0)};
  SqlServerCdcPlan p = Plan(f);
  ASSERT_EQ(p.segments.size(), 1u);
  EXPECT_EQ(p.segments[0], (SqlServerCdcSegment{"dbo_orders", L(201), L(900), std::nullopt}));
}

TEST(SqlServerCdcPlanTest, DroppedInstanceIsFineWhenTheNewOneCoversTheRest) {
  SqlServerCdcFacts f = Stored("dbo_orders", 600, 900);
  f.instances = {Ci("dbo_orders_v2", 500, 500)};
  SqlServerCdcPlan p = Plan(f);
  ASSERT_EQ(p.segments.size(), 1u);
  EXPECT_EQ(p.segments[0], (SqlServerCdcSegment{"dbo_orders_v2", L(601), L(900), std::nullopt}));
  EXPECT_EQ(p.next, (SqlServerCdcPosition{"dbo_orders_v2", L(900)}));
}

TEST(SqlServerCdcPlanTest, DroppedInstanceBeforeTheSwitchIsAGap) {
  SqlServerCdcFacts f = Stored("dbo_orders", 200, 900);
  f.instances = {Ci("dbo_orders_v2", 500, 500)};
  try {
    Plan(f);
    FAIL() << "expected a gap";
  } catch (const SqlServerCdcGapError& e) {
    EXPECT_THAT(e.what(), HasSubstr("capture instance 'dbo_orders_v2' now starts at "
                                    "0x000000000000000001F4 and 'dbo_orders' was dropped"));
  }
}

TEST(SqlServerCdcPlanTest, CdcDisabledOnTheTableIsAnError) {
  SqlServerCdcFacts f = Stored("dbo_orders", 200, 900);
  f.instances = {Ci("dbo_orders_v2", std::nullopt, 0)};
  EXPECT_THAT(ErrorOf(f), HasSubstr("capture instance 'dbo_orders' no longer exists and the table "
                                    "has no other"));
}

TEST(SqlServerCdcPlanTest, PositionsRoundTripThroughText) {
  SqlServerCdcPosition p{"dbo_orders", L(0x2A)};
  EXPECT_EQ(p.Serialize(),
            "{\"capture_instance\":\"dbo_orders\",\"format\":\"sqlserver-cdc/1\","
            "\"lsn\":\"0x0000000000000000002A\"}");
  EXPECT_EQ(SqlServerCdcPosition::Parse(p.Serialize()), p);
  EXPECT_THROW(SqlServerCdcPosition::Parse("42"), Error);
  EXPECT_THROW(SqlServerCdcPosition::Parse("{\"format\":\"sqlserver-cdc/1\",\"lsn\":\"0x1\"}"),
               Error);
  EXPECT_THROW(SqlServerCdcPosition::Parse("{\"format\":\"pg\",\"capture_instance\":\"x\","
                                           "\"lsn\":\"0x0000000000000000002A\"}"),
               Error);
}

TEST(SqlServerCdcPlanTest, OperationCodesMapToChangeKinds) {
  EXPECT_EQ(SqlServerCdcOperationFromCode(1), SqlServerCdcOperation::kDelete);
  EXPECT_EQ(SqlServerCdcOperationFromCode(2), SqlServerCdcOperation::kInsert);
  EXPECT_EQ(SqlServerCdcOperationFromCode(3), SqlServerCdcOperation::kUpdateBefore);
  EXPECT_EQ(SqlServerCdcOperationFromCode(4), SqlServerCdcOperation::kUpdateAfter);
  EXPECT_STREQ(SqlServerCdcOperationName(SqlServerCdcOperation::kUpdateBefore), "update_before");
  EXPECT_STREQ(SqlServerCdcOperationName(SqlServerCdcOperation::kDelete), "delete");
  EXPECT_THROW(SqlServerCdcOperationFromCode(5), SourceError);
}

TEST(SqlServerCdcPlanTest, TheInstanceAStoredLsnContinuesIn) {
  std::vector<SqlServerCaptureInstance> both = {Ci("v1", 10, 10), Ci("v2", 100, 100)};
  EXPECT_EQ(SqlServerCdcInstanceAt(both, L(50)), "v1");  // before v2 starts
  EXPECT_EQ(SqlServerCdcInstanceAt(both, L(99)), "v2");  // v2 holds everything from 100
  EXPECT_EQ(SqlServerCdcInstanceAt(both, L(150)), "v2");
  // Cleanup moved v2's minimum past its start: v1 still serves until there.
  EXPECT_EQ(SqlServerCdcInstanceAt({Ci("v1", 10, 10), Ci("v2", 100, 120)}, L(110)), "v1");
  // A new instance the capture job has not processed yet is not read.
  EXPECT_EQ(SqlServerCdcInstanceAt({Ci("v1", 10, 10), Ci("v2", std::nullopt, 0)}, L(150)), "v1");
  // Only an instance created after the position: the plan reports the gap.
  EXPECT_EQ(SqlServerCdcInstanceAt({Ci("v2", 100, 100)}, L(50)), "v2");
  EXPECT_EQ(SqlServerCdcInstanceAt({}, L(50)), "");
}

TEST(SqlServerCdcPlanTest, ACleanupGapIsACdcGapError) {
  SqlServerCdcFacts facts;
  facts.stored = SqlServerCdcPosition{"v1", L(50)};
  facts.max_lsn = L(200);
  facts.instances = {Ci("v1", 10, 80)};
  EXPECT_THROW(Plan(facts), CdcGapError);
}

}  // namespace
}  // namespace tributary
