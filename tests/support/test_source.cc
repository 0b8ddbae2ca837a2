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

class SqliteTestSource final : public TestSource {
 public:
  explicit SqliteTestSource(std::filesystem::path dir) : db_(dir / "data" / "src.db") {
    std::filesystem::create_directories(dir / "data");
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
  ServerConfig Server(const std::filesystem::path&) override {
    return ServerConfig{
        "src",
        "postgresql",
        {{"host", "127.0.0.1"}, {"port", std::to_string(pg_.port())}, {"user", "tributary"}},
        {}};
  }
  std::string Database() const override { return database_; }
  std::string Schema() const override { return "public"; }

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
