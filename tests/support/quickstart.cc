#include "support/quickstart.h"

#include <duckdb.h>
#include <sqlite3.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace tributary::testing {

namespace fs = std::filesystem;

namespace {

// sqlite3_exec callback keeping the first value of the first row.
int KeepFirstValue(void* out, int columns, char** values, char**) {
  auto* first = static_cast<std::optional<std::string>*>(out);
  if (!*first && columns > 0) *first = values[0] != nullptr ? values[0] : "NULL";
  return 0;
}

}  // namespace

void SqliteExec(const fs::path& db, const std::string& sql) { SqliteScalar(db, sql); }

std::string SqliteScalar(const fs::path& db, const std::string& sql) {
  sqlite3* handle = nullptr;
  if (sqlite3_open(db.c_str(), &handle) != SQLITE_OK) {
    sqlite3_close(handle);
    throw std::runtime_error("cannot open " + db.string());
  }
  sqlite3_busy_timeout(handle, 30'000);  // a concurrent writer or reader holds the lock briefly
  std::optional<std::string> first;
  char* error = nullptr;
  int rc = sqlite3_exec(handle, sql.c_str(), KeepFirstValue, &first, &error);
  std::string message = error != nullptr ? error : "";
  sqlite3_free(error);
  sqlite3_close(handle);
  if (rc != SQLITE_OK)
    throw std::runtime_error("sqlite: " + message + " in: " + sql.substr(0, 200));
  return first.value_or("");
}

fs::path MakeQuickstartProject(const fs::path& dest) {
  fs::path project = dest / "quickstart";
  fs::copy(fs::path(TRIBUTARY_SOURCE_DIR) / "examples" / "quickstart", project,
           fs::copy_options::recursive);
  for (const char* stale :
       {"data/shop.db", "lakehouse.duckdb", "lakehouse.duckdb.wal", "warehouse.duckdb",
        "warehouse.duckdb.wal", ".tributary", "dbt/target", "dbt/logs"}) {
    fs::remove_all(project / stale);
  }
  // The copy loads only: tests that build the dbt project add their own
  // `dbt:` block (with the dbt they found), so the quickstart's own is cut.
  std::ifstream yml_in(project / "tributary.yml");
  std::stringstream yml;
  yml << yml_in.rdbuf();
  yml_in.close();
  std::string text = yml.str();
  if (size_t at = text.find("\ndbt:\n"); at != std::string::npos) {
    std::ofstream(project / "tributary.yml") << text.substr(0, at + 1);
  }
  std::ifstream in(project / "data" / "shop.sql");
  std::stringstream sql;
  sql << in.rdbuf();
  SqliteExec(project / "data" / "shop.db", sql.str());
  return project;
}

std::string DuckDbScalar(const fs::path& db, const std::string& sql) {
  duckdb_database database = nullptr;
  duckdb_config config = nullptr;
  duckdb_create_config(&config);
  duckdb_set_config(config, "access_mode", "READ_ONLY");
  char* open_error = nullptr;
  if (duckdb_open_ext(db.c_str(), &database, config, &open_error) == DuckDBError) {
    std::string message = open_error != nullptr ? open_error : "";
    duckdb_free(open_error);
    duckdb_destroy_config(&config);
    throw std::runtime_error("duckdb open " + db.string() + ": " + message);
  }
  duckdb_destroy_config(&config);
  duckdb_connection conn = nullptr;
  duckdb_connect(database, &conn);
  duckdb_result result;
  std::string value;
  bool failed = duckdb_query(conn, sql.c_str(), &result) == DuckDBError;
  if (failed) {
    value = duckdb_result_error(&result);
  } else if (duckdb_row_count(&result) == 0) {
    value = "<no rows>";
  } else {
    char* text = duckdb_value_varchar(&result, 0, 0);
    value = text != nullptr ? text : "NULL";
    duckdb_free(text);
  }
  duckdb_destroy_result(&result);
  duckdb_disconnect(&conn);
  duckdb_close(&database);
  if (failed) throw std::runtime_error("duckdb: " + value + " in: " + sql);
  return value;
}

}  // namespace tributary::testing
