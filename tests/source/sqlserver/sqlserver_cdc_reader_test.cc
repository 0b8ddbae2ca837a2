// SqlServerCdcReader driven as the cdc strategy drives it, against a
// scripted server (sqlserver_cdc_script.h): the exact T-SQL it sends and
// the decisions it takes — initial load, changes, empty window, gap, a
// second capture instance — with result rows shaped by a real ODBC driver.
#include "source/sqlserver/sqlserver_cdc_reader.h"

#include <fmt/format.h>

#include <algorithm>

#include "source/sqlserver/sqlserver_cdc_prerequisites.h"
#include "source/sqlserver/sqlserver_cdc_script.h"
#include "source/sqlserver/sqlserver_cdc_sql.h"
#include "source/sqlserver/sqlserver_types.h"

namespace tributary {
namespace {

using ::testing::HasSubstr;

const TableRef kOrders{"dbo", "orders"};
const char* kWhere = "sqlserver server 'core' database 'shop'";

std::string L(int n) { return fmt::format("0x{:08X}000000100001", n); }
SqlServerLsn Lsn(int n) { return *SqlServerLsn::Parse(L(n)); }

class SqlServerCdcReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    script_.Exec(
        "CREATE TABLE catalog (name text, base_type text, declared_type text, prec integer, "
        "scale integer, is_nullable boolean, is_assembly_type boolean)");
    script_.Exec(
        "INSERT INTO catalog VALUES ('id', 'int', 'int', 10, 0, 0, 0), "
        "('name', 'nvarchar', 'nvarchar', 0, 0, 1, 0)");
    script_.Exec("CREATE TABLE pk (column_name text); INSERT INTO pk VALUES ('id')");
    script_.Exec("CREATE TABLE tz (utc_offset_minutes integer); INSERT INTO tz VALUES (0)");
    script_.Exec("CREATE TABLE orders (id integer, name text)");
    script_.Exec("INSERT INTO orders VALUES (1, 'a'), (2, 'b')");
    script_.Answer(SqlServerDescribeTableSql(kOrders), "SELECT * FROM catalog");
    script_.Answer(SqlServerPrimaryKeySql(kOrders), "SELECT * FROM pk");
    script_.Answer(SqlServerUtcOffsetSql(), "SELECT * FROM tz");
    script_.Answer(SqlServerCdcSnapshotSql(kOrders, {"id", "name"}),
                   "SELECT id, name FROM orders ORDER BY id");
    Captured("dbo_orders", {"id", "name"});
  }

  // The facts query's answer when the stored LSN is `stored` (0: none).
  void Facts(int stored, const std::string& rows) {
    std::string table = "facts" + std::to_string(++tables_);
    script_.Exec("CREATE TABLE " + table +
                 " (capture_instance text, start_lsn blob, min_lsn blob, max_lsn blob, "
                 "next_lsn blob); INSERT INTO " +
                 table + " VALUES " + rows);
    std::optional<SqlServerLsn> at;
    if (stored != 0) at = Lsn(stored);
    script_.Answer(SqlServerCdcFactsSql(kOrders, at), "SELECT * FROM " + table);
  }
  static std::string Instance(const std::string& name, int start, int min, int max, int next) {
    auto blob = [](int n) { return n == 0 ? std::string("NULL") : testing::LsnBlob(L(n)); };
    return fmt::format("('{}', {}, {}, {}, {})", name, blob(start), blob(min), blob(max),
                       blob(next));
  }

  void Captured(const std::string& instance, const std::vector<std::string>& columns) {
    std::string table = "captured_" + instance, values;
    for (size_t i = 0; i < columns.size(); ++i) {
      values += fmt::format("{}('{}', {})", i ? ", " : "", columns[i], i + 1);
    }
    script_.Exec("CREATE TABLE " + table + " (column_name text, column_ordinal integer); " +
                 "INSERT INTO " + table + " VALUES " + values);
    script_.Answer(SqlServerCdcCapturedColumnsSql(instance), "SELECT * FROM " + table);
  }

  // Answers the changes of `segment` with `rows` (lsn, operation, id, name[, note]).
  // `zone`: the time zone the reader is expected to convert commit times with.
  void Changes(const SqlServerCdcSegment& segment, const std::vector<std::string>& columns,
               const std::string& rows, const std::string& zone = "") {
    std::string table = "changes" + std::to_string(++tables_), extra;
    for (size_t i = 2; i < columns.size(); ++i) extra += ", " + columns[i] + " text";
    script_.Exec("CREATE TABLE " + table +
                 " (\"__$start_lsn\" blob, \"__$seqval\" blob, \"__$operation\" integer, "
                 "\"__$update_mask\" blob, \"__$commit_time\" timestamp, id integer, name text" +
                 extra + "); INSERT INTO " + table + " VALUES " + rows);
    script_.Answer(SqlServerCdcChangesSql(segment, columns, zone),
                   "SELECT * FROM " + table + " ORDER BY \"__$start_lsn\", \"__$operation\"");
  }
  static std::string Row(int lsn, int op, int id, const std::string& rest) {
    return fmt::format("({}, x'00000000000000000001', {}, x'03', '2024-01-01 00:00:00', {}, {})",
                       testing::LsnBlob(L(lsn)), op, id, rest);
  }

  std::unique_ptr<SqlServerCdcReader> Open(const std::string& time_zone = "") {
    return std::make_unique<SqlServerCdcReader>(script_.Query(), kWhere, kOrders, time_zone);
  }
  static Schema Columns(bool with_note = false) {
    Schema s;
    s.fields = {Field{"id", DataType{TypeId::kInt32}}, Field{"name", DataType{TypeId::kText}}};
    if (with_note) s.fields.push_back(Field{"note", DataType{TypeId::kText}});
    return s;
  }
  // Every history row of a stream, and each batch's boundary.
  Batch Drain(ChangeStream& stream, const Schema& columns,
              std::vector<std::optional<std::string>>* boundaries = nullptr) {
    auto schema = std::make_shared<const Schema>(HistorySchema(columns));
    Batch all(schema);
    for (;;) {
      ChangeBatch batch(schema);
      if (!stream.Next(batch, BatchLimits{1, size_t{1} << 30})) return all;
      if (boundaries) boundaries->push_back(batch.boundary);
      for (size_t c = 0; c < all.num_columns(); ++c) {
        for (size_t r = 0; r < batch.rows.num_rows(); ++r) {
          all.column(c).AppendFrom(batch.rows.column(c), r);
        }
      }
    }
  }
  bool Sent(const std::string& sql) const {
    const auto& sent = script_.sent();
    return std::find(sent.begin(), sent.end(), sql) != sent.end();
  }
  CdcCheckpoint At(int lsn) { return CdcCheckpoint{L(lsn), identity_}; }

  testing::SqlServerScript script_;
  int tables_ = 0;
  std::string identity_ = R"({"format":"sqlserver-cdc/1"})";
};

TEST_F(SqlServerCdcReaderTest, InitialLoadIsBoundedByTheRecordedMaxLsn) {
  Facts(0, Instance("dbo_orders", 10, 10, 50, 0));
  auto reader = Open();
  CdcTableInfo info = reader->DescribeTable();
  EXPECT_EQ(info.key, std::vector<std::string>{"id"});
  ASSERT_EQ(info.columns.fields.size(), 2u);
  CdcSnapshot snapshot = reader->Snapshot(CdcSnapshotRequest{1, 99, "", {}});
  EXPECT_EQ(snapshot.checkpoint.position, L(50));
  EXPECT_THAT(snapshot.checkpoint.identity, HasSubstr("\"capture_instance\":\"dbo_orders\""));
  Batch rows = testing::ReadRows(*snapshot.rows);
  ASSERT_EQ(rows.num_rows(), 2u);
  EXPECT_EQ(rows.column(0).GetBytes(1), "snapshot");
  EXPECT_EQ(rows.column(1).GetBytes(1), L(50));
  EXPECT_EQ(rows.column(7).GetBytes(1), "b");
  // The run ends at the snapshot: nothing more is read.
  EXPECT_EQ(reader->Bound(), L(50));
  script_.ClearSent();
  auto stream = reader->ReadChanges({snapshot.checkpoint, L(50), info.columns, 99});
  EXPECT_EQ(Drain(*stream, info.columns).num_rows(), 0u);
  EXPECT_TRUE(script_.sent().empty());
}

TEST_F(SqlServerCdcReaderTest, ChangesAfterTheStoredLsnUpToTheBound) {
  Facts(50, Instance("dbo_orders", 10, 10, 90, 51));
  Changes({"dbo_orders", Lsn(51), Lsn(90), std::nullopt}, {"id", "name"},
          Row(60, 2, 3, "'c'") + ", " + Row(70, 3, 1, "'a'") + ", " + Row(70, 4, 1, "'A'") + ", " +
              Row(80, 1, 2, "'b'"));
  auto reader = Open();
  reader->CheckResume(At(50));
  EXPECT_EQ(reader->Bound(), L(90));
  std::vector<std::optional<std::string>> boundaries;
  Batch rows = Drain(*reader->ReadChanges({At(50), L(90), Columns(), 5}), Columns(), &boundaries);
  ASSERT_EQ(rows.num_rows(), 4u);
  EXPECT_EQ(rows.column(0).GetBytes(0), "insert");
  EXPECT_EQ(rows.column(0).GetBytes(1), "before");
  EXPECT_EQ(rows.column(0).GetBytes(2), "update");
  EXPECT_EQ(rows.column(0).GetBytes(3), "delete");
  EXPECT_EQ(rows.column(2).Get<int64_t>(2), 2);  // second row of its transaction
  EXPECT_EQ(boundaries,
            (std::vector<std::optional<std::string>>{L(60), std::nullopt, L(70), L(80)}));
  EXPECT_TRUE(
      Sent("/* tributary */ SELECT c.[__$start_lsn], c.[__$seqval], c.[__$operation], "
           "c.[__$update_mask], sys.fn_cdc_map_lsn_to_time(c.[__$start_lsn]) AS [__$commit_time], "
           "c.[id], c.[name] FROM cdc.[fn_cdc_get_all_changes_dbo_orders](0x00000033000000100001, "
           "0x0000005A000000100001, N'all update old') AS c ORDER BY c.[__$start_lsn], "
           "c.[__$seqval], c.[__$operation]"));
}

// 2024-01-01 00:00:00 (the scripted rows' commit time) in µs since the epoch.
constexpr int64_t kRowTime = 1'704'067'200'000'000;
constexpr int64_t kMicrosPerMinute = 60'000'000;

TEST_F(SqlServerCdcReaderTest, TheServersZoneTurnsCommitTimesUtcChangeByChange) {
  script_.Exec("UPDATE tz SET utc_offset_minutes = 60");  // must not be applied on top
  script_.Answer(SqlServerTimeZoneSql(""), "SELECT 'W. Europe Standard Time' AS time_zone");
  Facts(50, Instance("dbo_orders", 10, 10, 90, 51));
  Changes({"dbo_orders", Lsn(51), Lsn(90), std::nullopt}, {"id", "name"}, Row(60, 2, 3, "'c'"),
          "W. Europe Standard Time");
  auto reader = Open();
  reader->CheckResume(At(50));
  Batch rows = Drain(*reader->ReadChanges({At(50), L(90), Columns(), 5}), Columns());
  ASSERT_EQ(rows.num_rows(), 1u);
  // The server converted it (AT TIME ZONE in the statement): taken as it comes.
  EXPECT_EQ(rows.column(3).Get<int64_t>(0), kRowTime);
  EXPECT_TRUE(Sent(SqlServerCdcChangesSql({"dbo_orders", Lsn(51), Lsn(90), std::nullopt},
                                          {"id", "name"}, "W. Europe Standard Time")));
  EXPECT_FALSE(Sent(SqlServerUtcOffsetSql()));
}

TEST_F(SqlServerCdcReaderTest, AConfiguredZoneIsCheckedAndUsed) {
  script_.Exec(
      "CREATE TABLE zones (name text); INSERT INTO zones VALUES ('Pacific Standard Time')");
  script_.Answer(SqlServerTimeZoneSql("Pacific Standard Time"),
                 "SELECT name AS time_zone FROM zones WHERE name = 'Pacific Standard Time'");
  script_.Answer(SqlServerTimeZoneSql("Mars Standard Time"),
                 "SELECT name AS time_zone FROM zones WHERE name = 'Mars Standard Time'");
  Facts(50, Instance("dbo_orders", 10, 10, 90, 51));
  Changes({"dbo_orders", Lsn(51), Lsn(90), std::nullopt}, {"id", "name"}, Row(60, 2, 3, "'c'"),
          "Pacific Standard Time");
  auto reader = Open("Pacific Standard Time");
  reader->CheckResume(At(50));
  EXPECT_EQ(Drain(*reader->ReadChanges({At(50), L(90), Columns(), 5}), Columns()).num_rows(), 1u);
  EXPECT_FALSE(Sent(SqlServerTimeZoneSql("")));  // the setting wins over asking

  auto wrong = Open("Mars Standard Time");
  wrong->CheckResume(At(50));
  try {
    wrong->ReadChanges({At(50), L(90), Columns(), 5});
    FAIL() << "an unknown time zone must fail the run";
  } catch (const SourceError& e) {
    EXPECT_THAT(e.what(), HasSubstr("database 'shop'"));
    EXPECT_THAT(e.what(), HasSubstr("time_zone 'Mars Standard Time' is not a time zone"));
    EXPECT_THAT(e.what(), HasSubstr("sys.time_zone_info"));
  }
}

TEST_F(SqlServerCdcReaderTest, WithoutAZoneTheOffsetOfNowIsUsed) {
  // Before SQL Server 2022 CURRENT_TIMEZONE_ID() fails (unscripted here).
  script_.Exec("UPDATE tz SET utc_offset_minutes = 60");
  Facts(50, Instance("dbo_orders", 10, 10, 90, 51));
  Changes({"dbo_orders", Lsn(51), Lsn(90), std::nullopt}, {"id", "name"}, Row(60, 2, 3, "'c'"));
  auto reader = Open();
  reader->CheckResume(At(50));
  Batch rows = Drain(*reader->ReadChanges({At(50), L(90), Columns(), 5}), Columns());
  ASSERT_EQ(rows.num_rows(), 1u);
  EXPECT_EQ(rows.column(3).Get<int64_t>(0), kRowTime - 60 * kMicrosPerMinute);
  EXPECT_TRUE(Sent(SqlServerTimeZoneSql("")));
  EXPECT_TRUE(Sent(SqlServerUtcOffsetSql()));
}

TEST_F(SqlServerCdcReaderTest, AnEmptyWindowReadsNothingAndKeepsThePosition) {
  Facts(90, Instance("dbo_orders", 10, 10, 90, 91));
  auto reader = Open();
  reader->CheckResume(At(90));
  EXPECT_EQ(reader->Bound(), L(90));
  EXPECT_EQ(Drain(*reader->ReadChanges({At(90), L(90), Columns(), 5}), Columns()).num_rows(), 0u);
  EXPECT_EQ(script_.sent().size(), 1u);  // the facts only
}

TEST_F(SqlServerCdcReaderTest, CleanupPastTheStoredLsnIsAGap) {
  Facts(90, Instance("dbo_orders", 10, 95, 120, 91));
  auto reader = Open();
  try {
    reader->CheckResume(At(90));
    FAIL() << "expected a gap";
  } catch (const CdcGapError& e) {
    EXPECT_THAT(e.what(), HasSubstr(L(90)));
    EXPECT_THAT(e.what(), HasSubstr("tributary backfill --tables dbo.orders"));
    EXPECT_THAT(e.what(), HasSubstr(kWhere));
  }
  EXPECT_THROW(reader->CheckResume(CdcCheckpoint{"0x12", identity_}), CdcGapError);
  EXPECT_THROW(reader->CheckResume(CdcCheckpoint{L(90), "{\"system_identifier\":\"1\"}"}),
               CdcGapError);
}

TEST_F(SqlServerCdcReaderTest, ASecondCaptureInstanceTakesOverAtItsStart) {
  Captured("dbo_orders_v2", {"id", "name", "note"});
  Facts(90, Instance("dbo_orders", 10, 10, 120, 91) + ", " +
                Instance("dbo_orders_v2", 100, 100, 120, 91));
  Changes({"dbo_orders", Lsn(91), Lsn(120), Lsn(100)}, {"id", "name"}, Row(95, 2, 4, "'d'"));
  Changes({"dbo_orders_v2", Lsn(100), Lsn(120), std::nullopt}, {"id", "name", "note"},
          Row(110, 4, 4, "'D', 'noted'"));
  auto reader = Open();
  reader->CheckResume(At(90));
  EXPECT_EQ(reader->Bound(), L(120));
  // The new instance captures a column the history lacks: read again with it.
  EXPECT_THROW(Drain(*reader->ReadChanges({At(90), L(120), Columns(), 5}), Columns()), CdcRestart);
  std::vector<std::optional<std::string>> boundaries;
  Batch rows =
      Drain(*reader->ReadChanges({At(90), L(120), Columns(true), 5}), Columns(true), &boundaries);
  ASSERT_EQ(rows.num_rows(), 2u);
  EXPECT_EQ(rows.column(1).GetBytes(0), L(95));
  EXPECT_TRUE(rows.column(8).IsNull(0));  // the old instance has no `note`
  EXPECT_EQ(rows.column(8).GetBytes(1), "noted");
  EXPECT_EQ(boundaries, (std::vector<std::optional<std::string>>{L(95), L(110)}));

  // The next run continues in the new instance only.
  Facts(120, Instance("dbo_orders", 10, 10, 130, 121) + ", " +
                 Instance("dbo_orders_v2", 100, 100, 130, 121));
  Changes({"dbo_orders_v2", Lsn(121), Lsn(130), std::nullopt}, {"id", "name", "note"},
          Row(125, 1, 4, "NULL, NULL"));
  auto next = Open();
  next->CheckResume(At(120));
  script_.ClearSent();
  EXPECT_EQ(
      Drain(*next->ReadChanges({At(120), L(130), Columns(true), 5}), Columns(true)).num_rows(), 1u);
  for (const auto& sql : script_.sent()) {
    EXPECT_THAT(sql, ::testing::Not(HasSubstr("fn_cdc_get_all_changes_dbo_orders]"))) << sql;
  }
}

TEST_F(SqlServerCdcReaderTest, PrerequisitesSayWhatToRun) {
  script_.Exec(
      "CREATE TABLE db (database_name text, is_cdc_enabled boolean, is_published boolean, "
      "engine_edition integer); INSERT INTO db VALUES ('shop', 0, 0, 5)");
  script_.Exec("CREATE TABLE tracked (t boolean); INSERT INTO tracked VALUES (1)");
  script_.Answer(SqlServerCdcDatabaseSql(), "SELECT * FROM db");
  script_.Answer(SqlServerCdcTableTrackedSql(kOrders), "SELECT * FROM tracked");
  auto reader = Open();
  EXPECT_THROW(
      {
        try {
          reader->CheckPrerequisites();
        } catch (const SourceError& e) {
          EXPECT_THAT(e.what(), HasSubstr("sys.sp_cdc_enable_db"));
          throw;
        }
      },
      SourceError);
  script_.Exec("UPDATE db SET is_cdc_enabled = 1");
  try {
    reader->CheckPrerequisites();  // the facts query is not answered: no permission
    FAIL() << "expected an error";
  } catch (const SourceError& e) {
    EXPECT_THAT(e.what(), HasSubstr("GRANT SELECT ON cdc.change_tables"));
  }
  Facts(0, "(NULL, NULL, NULL, " + testing::LsnBlob(L(50)) + ", NULL)");
  try {
    reader->CheckPrerequisites();
    FAIL() << "expected an error";
  } catch (const SourceError& e) {
    EXPECT_THAT(e.what(), HasSubstr("sys.sp_cdc_enable_table"));
  }
  script_.Exec("DELETE FROM facts1; INSERT INTO facts1 VALUES " +
               Instance("dbo_orders", 10, 10, 50, 0));
  EXPECT_NO_THROW(reader->CheckPrerequisites());
}

TEST_F(SqlServerCdcReaderTest, StatusNamesInstancesAndTheHead) {
  Facts(0, Instance("dbo_orders", 10, 20, 50, 0));
  CdcStatus status = Open()->Status();
  EXPECT_EQ(status.stream, "capture instance dbo_orders (kept from " + L(20) + ")");
  EXPECT_EQ(status.state, "active");
  EXPECT_EQ(status.head, L(50));
  EXPECT_FALSE(status.lag_bytes.has_value());
}

}  // namespace
}  // namespace tributary
