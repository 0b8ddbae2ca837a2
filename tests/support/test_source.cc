#include "support/test_source.h"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <stdexcept>

#include "support/pg_cluster.h"
#include "support/quickstart.h"

namespace tributary::testing {
namespace {

int AppendFirstValue(void* out, int columns, char** values, char**) {
  if (columns > 0) {
    static_cast<std::vector<std::string>*>(out)->push_back(values[0] != nullptr ? values[0]
                                                                                : "NULL");
  }
  return 0;
}

// 'it''s': a SQL string literal in both SQLite and PostgreSQL (which keeps
// backslashes as they are: standard_conforming_strings is on by default).
std::string Quoted(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

// Significant digits of a decimal's canonical text ("-0.0120" → 2).
size_t SignificantDigits(const std::string& value) {
  std::string digits;
  for (char c : value) {
    if (c >= '0' && c <= '9') digits += c;
  }
  size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return 0;
  return digits.find_last_not_of('0') - first + 1;
}

// SQLite gives a DECIMAL column NUMERIC affinity: a value is stored as an
// INTEGER when integral and within 64 bits, else as a REAL (so only up to
// 15 significant digits are exact).
std::optional<std::string> SqliteDecimal(const std::string& value) {
  size_t point = value.find('.');
  std::string whole = value.substr(0, point);
  bool integral =
      point == std::string::npos || value.find_first_not_of('0', point + 1) == std::string::npos;
  if (integral) {
    try {
      size_t used = 0;
      (void)std::stoll(whole, &used);
      if (used == whole.size()) return whole;
    } catch (const std::out_of_range&) {
    }
  }
  if (SignificantDigits(value) <= 15) return value;
  return std::nullopt;
}

class SqliteTestSource final : public TestSource {
 public:
  // Creates the database, empty, as a new PostgreSQL database is.
  explicit SqliteTestSource(std::filesystem::path dir) : db_(dir / "data" / "src.db") {
    std::filesystem::create_directories(dir / "data");
    SqliteExec(db_, "PRAGMA user_version = 1");
  }
  void Exec(const std::string& sql) override { SqliteExec(db_, sql); }
  std::vector<std::string> Values(const std::string& sql) override {
    sqlite3* handle = nullptr;
    std::vector<std::string> values;
    char* error = nullptr;
    int rc = sqlite3_open(db_.c_str(), &handle);
    if (rc == SQLITE_OK) rc = sqlite3_exec(handle, sql.c_str(), AppendFirstValue, &values, &error);
    std::string message = error != nullptr ? error : sqlite3_errmsg(handle);
    sqlite3_free(error);
    sqlite3_close(handle);
    if (rc != SQLITE_OK) throw std::runtime_error("sqlite: " + message + " in: " + sql);
    return values;
  }
  ServerConfig Server(const std::filesystem::path&) override {
    return ServerConfig{"src", "sqlite", {{"directory", "data"}}, {}};
  }
  std::string Database() const override { return "src.db"; }
  std::string Schema() const override { return "main"; }

  // Declared types as source/sqlite/sqlite_types.h maps them. SQLite has no
  // 32-bit integer, single-precision or interval column.
  std::string ColumnType(const DataType& type) const override {
    switch (type.id) {
      case TypeId::kBool:
        return "BOOLEAN";
      case TypeId::kInt16:
        return "SMALLINT";
      case TypeId::kInt64:
        return "BIGINT";
      case TypeId::kFloat64:
        return "DOUBLE";
      case TypeId::kDecimal:
        return "DECIMAL(" + std::to_string(type.precision) + "," + std::to_string(type.scale) + ")";
      case TypeId::kText:
        return "TEXT";
      case TypeId::kBytes:
        return "BLOB";
      case TypeId::kDate:
        return "DATE";
      case TypeId::kTime:
        return "TIME";
      case TypeId::kTimestamp:
        return "TIMESTAMP";
      case TypeId::kTimestampTz:
        return "TIMESTAMPTZ";
      case TypeId::kJson:
        return "JSON";
      case TypeId::kUuid:
        return "UUID";
      default:
        return "";
    }
  }

  std::optional<std::string> Literal(const DataType& type,
                                     const std::string& value) const override {
    switch (type.id) {
      case TypeId::kBool:
        return value == "true" ? "1" : "0";
      case TypeId::kInt16:
      case TypeId::kInt64:
        return value;
      case TypeId::kFloat64:
        if (value == "nan") return std::nullopt;  // SQLite stores NaN as NULL
        if (value == "inf" || value == "-inf") return value[0] == '-' ? "-9e999" : "9e999";
        return value;
      case TypeId::kDecimal:
        return SqliteDecimal(value);
      case TypeId::kBytes:
        return "X'" + value.substr(2) + "'";
      default:  // text, json and the date/time types as ISO text
        if (value == "infinity" || value == "-infinity") return std::nullopt;
        return Quoted(value);
    }
  }

 private:
  std::filesystem::path db_;
};

// A fresh database on the shared throwaway cluster, dropped afterwards.
class PostgresTestSource final : public TestSource {
 public:
  PostgresTestSource() : pg_(SharedPgCluster()), database_(pg_.CreateDatabase()) {}
  ~PostgresTestSource() override {
    try {
      pg_.Exec("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
    } catch (const std::exception&) {  // a stopped cluster is deleted whole anyway
    }
  }
  void Exec(const std::string& sql) override { pg_.Exec(sql, database_); }
  std::vector<std::string> Values(const std::string& sql) override {
    std::unique_ptr<PGconn, decltype(&PQfinish)> conn(
        PQconnectdb(pg_.ConnectionString(database_).c_str()), &PQfinish);
    std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(conn.get(), sql.c_str()), &PQclear);
    if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
      throw std::runtime_error(std::string("postgresql: ") + PQerrorMessage(conn.get()) +
                               " in: " + sql);
    }
    std::vector<std::string> values;
    for (int row = 0; row < PQntuples(result.get()); ++row) {
      values.push_back(PQgetisnull(result.get(), row, 0) ? "NULL"
                                                         : PQgetvalue(result.get(), row, 0));
    }
    return values;
  }
  ServerConfig Server(const std::filesystem::path&) override { return pg_.Server("src"); }
  std::string Database() const override { return database_; }
  std::string Schema() const override { return "public"; }

  std::string ColumnType(const DataType& type) const override {
    switch (type.id) {
      case TypeId::kBool:
        return "boolean";
      case TypeId::kInt16:
        return "smallint";
      case TypeId::kInt32:
        return "integer";
      case TypeId::kInt64:
        return "bigint";
      case TypeId::kFloat32:
        return "real";
      case TypeId::kFloat64:
        return "double precision";
      case TypeId::kDecimal:
        return "numeric(" + std::to_string(type.precision) + "," + std::to_string(type.scale) + ")";
      case TypeId::kText:
        return "text";
      case TypeId::kBytes:
        return "bytea";
      case TypeId::kDate:
        return "date";
      case TypeId::kTime:
        return "time";
      case TypeId::kTimestamp:
        return "timestamp";
      case TypeId::kTimestampTz:
        return "timestamptz";
      case TypeId::kInterval:
        return "interval";
      case TypeId::kUuid:
        return "uuid";
      case TypeId::kJson:
        return "json";
    }
    return "";
  }
  // Every canonical text is PostgreSQL input of its type ("1 mons 2 days 3 us",
  // "\x00ff", "infinity", "inf", "+00:00" offsets).
  std::optional<std::string> Literal(const DataType& type,
                                     const std::string& value) const override {
    return Quoted(value) + "::" + ColumnType(type);
  }
  std::optional<std::vector<std::string>> RunningStatements() override {
    return Values("SELECT query FROM pg_stat_activity WHERE datname = '" + database_ +
                  "' AND state = 'active' AND pid <> pg_backend_pid()");
  }
  // Two ranges of PgParallelOptions' default 1024 pages.
  int64_t ParallelRows() const override { return 100'000; }
  std::optional<PasswordLogin> PasswordServer(const std::filesystem::path& dir) override {
    ServerConfig server = Server(dir);
    server.settings["user"] = PgCluster::kPasswordUser;
    server.settings["password"] = PgCluster::kPassword;
    return PasswordLogin{server, PgCluster::kPassword};
  }

 private:
  PgCluster& pg_;
  std::string database_;
};

}  // namespace

std::vector<TestSourceKind> TestSourceKinds() {
  return {
      {"sqlite",
       [](const std::filesystem::path& dir) { return std::make_unique<SqliteTestSource>(dir); }},
      {"postgresql",
       [](const std::filesystem::path&) { return std::make_unique<PostgresTestSource>(); }},
  };
}

}  // namespace tributary::testing
