#include "support/sink_harness.h"

#include <fmt/format.h>

#include <stdexcept>

#include "clients/duckdb/duckdb_sql.h"
#include "data/value_text.h"
#include "sink/delta/delta_sink.h"
#include "sink/delta/delta_types.h"
#include "sink/duckdb/duckdb_sink.h"
#include "sink/postgres/postgres_sink.h"
#include "support/delta_checker.h"
#include "support/pg_cluster.h"
#include "support/store_fixture.h"

namespace tributary::testing {
namespace {

namespace fs = std::filesystem;

// DuckDB SQL rendering column `c` of stored type `type` in canonical text.
std::string DuckCanonical(const std::string& c, const DataType& type) {
  switch (type.id) {
    case TypeId::kBytes:
      return fmt::format("'\\x' || lower(hex({}))", c);
    case TypeId::kTime:
      return fmt::format("strftime(DATE '2000-01-01' + {}, '%H:%M:%S.%f')", c);
    case TypeId::kTimestamp:
      return fmt::format("strftime({}, '%Y-%m-%d %H:%M:%S.%f')", c);
    case TypeId::kTimestampTz:
      return fmt::format("strftime({}::TIMESTAMP, '%Y-%m-%d %H:%M:%S.%f') || '+00:00'", c);
    case TypeId::kInterval:
      return fmt::format(
          "printf('%d mons %d days %d us', datepart('year', {0}) * 12 + datepart('month', {0}), "
          "datepart('day', {0}), datepart('hour', {0}) * 3600000000 + datepart('minute', {0}) * "
          "60000000 + datepart('microseconds', {0}))",
          c);
    case TypeId::kFloat32:
    case TypeId::kFloat64:
      return fmt::format("CAST(CAST({} AS DOUBLE) AS VARCHAR)", c);
    default:
      return fmt::format("CAST({} AS VARCHAR)", c);
  }
}

std::string RowExpression(const std::vector<std::string>& columns, const Schema& schema) {
  std::string sql;
  for (const std::string& name : columns) {
    int at = schema.IndexOf(name);
    if (at < 0) throw std::runtime_error("no column " + name);
    std::string c = DuckQuote(name);
    sql += (sql.empty() ? "" : " || '|' || ") +
           fmt::format("coalesce({}, 'NULL')", DuckCanonical(c, schema.fields[at].type));
  }
  return sql;
}

class DuckDbHarness final : public SinkHarness {
 public:
  explicit DuckDbHarness(std::string location) : location_(std::move(location)) {
    if (location_.empty()) location_ = dir_.path().string();
    Start();
  }
  std::string Kind() const override { return "duckdb"; }
  std::string Location() const override { return location_; }

  std::vector<std::string> Rows(const std::string& table, const std::vector<std::string>& columns,
                                const std::string& order_by) override {
    auto* duck = static_cast<DuckDbSink*>(&sink());
    auto schema = duck->DescribeTable(table);
    if (!schema) return {};
    DuckConnection conn = duck->Connect();
    DuckExec(conn.get(), "SET TimeZone = 'UTC'", "time zone");
    DuckResult result =
        DuckExec(conn.get(),
                 fmt::format("SELECT {} FROM {} ORDER BY {}", RowExpression(columns, *schema),
                             DuckQualified(duck->catalog(), duck->schema(), table), order_by),
                 "harness rows");
    std::vector<std::string> rows;
    for (uint64_t r = 0; r < ResultRows(result); ++r) {
      rows.push_back(ResultText(result, 0, r).value_or("NULL"));
    }
    return rows;
  }
  DataType Stored(const DataType& type) const override { return type; }

 protected:
  std::unique_ptr<Sink> Open() override {
    return std::make_unique<DuckDbSink>(fs::path(location_) / "lake.duckdb", "bronze");
  }

 private:
  TempDir dir_;
  std::string location_;
};

// The Delta sink on a local folder ("delta") or, through an emulator, on
// S3 ("delta-s3") or Azure Blob ("delta-azure"); remote tables are mirrored
// into a local folder for the independent log reader.
class DeltaHarness final : public SinkHarness {
 public:
  DeltaHarness(std::string kind, std::string location) : kind_(std::move(kind)) {
    std::string store = StoreKind();
    spot_ = location.empty() ? NewTestStoreSpot(store) : DecodeSpot(location);
    if (store == "local" && location.empty()) spot_.location = dir_.path().string();
    if (!spot_.location.empty()) Start();
  }
  bool Ready() const { return !spot_.location.empty(); }
  std::string Kind() const override { return kind_; }
  std::string Location() const override { return EncodeSpot(spot_); }

  std::vector<std::string> Rows(const std::string& table, const std::vector<std::string>& columns,
                                const std::string& order_by) override {
    auto schema = sink().DescribeTable(table);
    if (!schema) return {};
    fs::path root = spot_.location;
    if (StoreKind() != "local") {
      TempDir mirror;
      MirrorStore(*OpenTestStoreAt(spot_), mirror.path());
      return DeltaRows(mirror / table, RowExpression(columns, *schema), order_by);
    }
    return DeltaRows(root / table, RowExpression(columns, *schema), order_by);
  }
  DataType Stored(const DataType& type) const override {
    return DeltaStoredType(type, DeltaTypeOptions{});
  }
  std::string Expected(const Column& column, size_t row) override {
    if (column.IsNull(row)) return "NULL";
    if (column.type().id == TypeId::kInterval) return IsoInterval(column.Get<Interval>(row));
    std::string text = ValueText(column, row);
    return column.type().id == TypeId::kTimestamp ? text + "+00:00" : text;
  }

 protected:
  std::unique_ptr<Sink> Open() override {
    DeltaSinkOptions options;
    options.target_file_bytes = 1 << 20;  // several files even for small tests
    return std::make_unique<DeltaSink>(OpenTestStoreAt(spot_), options);
  }

 private:
  std::string StoreKind() const {
    if (kind_ == "delta-s3") return "s3";
    if (kind_ == "delta-azure") return "azure";
    return "local";
  }

  std::string kind_;
  TempDir dir_;
  TestStoreSpot spot_;
};

// PostgreSQL SQL rendering column `c` of type `type` in canonical text.
std::string PgCanonical(const std::string& c, const DataType& type) {
  switch (type.id) {
    case TypeId::kBool:
      return fmt::format("CASE WHEN {} THEN 'true' ELSE 'false' END", c);
    case TypeId::kBytes:
      return fmt::format("'\\x' || encode({}, 'hex')", c);
    case TypeId::kFloat32:
    case TypeId::kFloat64:
      return fmt::format("{}::float8::text", c);
    case TypeId::kDate:
      return fmt::format("to_char({}, 'YYYY-MM-DD')", c);
    case TypeId::kTime:
      return fmt::format("to_char({}, 'HH24:MI:SS.US')", c);
    case TypeId::kTimestamp:
      return fmt::format("to_char({}, 'YYYY-MM-DD HH24:MI:SS.US')", c);
    case TypeId::kTimestampTz:
      return fmt::format("to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00:00'",
                         c);
    case TypeId::kInterval:
      return fmt::format(
          "format('%s mons %s days %s us', extract(year FROM {0})::bigint * 12 + extract(month "
          "FROM {0})::bigint, extract(day FROM {0})::bigint, extract(hour FROM {0})::bigint * "
          "3600000000 + extract(minute FROM {0})::bigint * 60000000 + extract(microseconds FROM "
          "{0})::bigint)",
          c);
    default:
      return fmt::format("{}::text", c);
  }
}

class PostgresHarness final : public SinkHarness {
 public:
  explicit PostgresHarness(std::string location) : location_(std::move(location)) {
    if (location_.empty()) {
      PgCluster& cluster = SharedPgCluster();
      location_ = cluster.ConnectionString(cluster.CreateDatabase());
    }
    Start();
  }
  std::string Kind() const override { return "postgresql"; }
  std::string Location() const override { return location_; }

  std::vector<std::string> Rows(const std::string& table, const std::vector<std::string>& columns,
                                const std::string& order_by) override {
    PgConnection conn(PgConnectInfo::FromConninfo(location_, "test cluster", PgSide::kSink));
    auto schema = PgTableSchema(conn, "bronze", table);
    if (!schema) return {};
    std::string sql;
    for (const std::string& name : columns) {
      int at = schema->IndexOf(name);
      if (at < 0) throw std::runtime_error("no column " + name);
      std::string c = PgQuote(name);
      sql += (sql.empty() ? "" : " || '|' || ") +
             fmt::format("CASE WHEN {} IS NULL THEN 'NULL' ELSE {} END", c,
                         PgCanonical(c, schema->fields[at].type));
    }
    // Qualified, so that ORDER BY never means an output column of that name.
    PgResult result = conn.Exec(
        fmt::format("SELECT {} FROM bronze.{} t ORDER BY t.{}", sql, PgQuote(table), order_by), {},
        "harness rows");
    std::vector<std::string> rows;
    for (int r = 0; r < PQntuples(result.get()); ++r) {
      rows.push_back(PgValue(result.get(), r, 0).value_or("NULL"));
    }
    return rows;
  }
  DataType Stored(const DataType& type) const override { return type; }
  std::string Expected(const Column& column, size_t row) override {
    if (column.IsNull(row) || column.type().id != TypeId::kJson) {
      return SinkHarness::Expected(column, row);
    }
    PgConnection conn(PgConnectInfo::FromConninfo(location_, "test cluster",
                                                  PgSide::kSink));  // jsonb spells JSON its own way
    PgResult r = conn.Exec("SELECT $1::jsonb::text", {std::string(column.GetBytes(row))}, "json");
    return PgValue(r.get(), 0, 0).value_or("NULL");
  }

 protected:
  std::unique_ptr<Sink> Open() override {
    return std::make_unique<PostgresSink>(
        PgConnectInfo::FromConninfo(location_, "test cluster", PgSide::kSink), "bronze");
  }

 private:
  std::string location_;
};

}  // namespace

std::string SinkHarness::Expected(const Column& column, size_t row) {
  return column.IsNull(row) ? "NULL" : ValueText(column, row);
}

std::vector<std::string> HarnessKinds() {
  return {"duckdb", "delta", "postgresql", "delta-s3", "delta-azure"};
}

std::string HarnessMissing(const std::string& kind) {
  return TestStoreMissing(kind == "delta-s3" ? "s3" : "azure");
}

std::unique_ptr<SinkHarness> OpenHarness(const std::string& kind, const std::string& location) {
  if (kind == "duckdb") return std::make_unique<DuckDbHarness>(location);
  if (kind == "delta" || kind == "delta-s3" || kind == "delta-azure") {
    auto h = std::make_unique<DeltaHarness>(kind, location);
    if (!h->Ready()) return nullptr;
    return h;
  }
  if (kind == "postgresql") return std::make_unique<PostgresHarness>(location);
  throw std::runtime_error("no sink harness for " + kind);
}

}  // namespace tributary::testing
