// A throwaway PostgreSQL cluster for tests: initdb into a temp folder, a free
// port on 127.0.0.1, wal_level=logical (ready for CDC), stopped and deleted on
// destruction. Uses Debian's `postgresql` package (scripts/install-deps.sh);
// when tests run as root, the server runs as the `postgres` system user.
#pragma once

#include <filesystem>
#include <string>

namespace tributary::testing {

class PgCluster {
 public:
  // Starts the cluster; throws std::runtime_error with the server log when it
  // cannot (missing binaries, initdb or start failure).
  PgCluster();
  ~PgCluster();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  int port() const { return port_; }
  // libpq connection string for `database` as the superuser `tributary`.
  std::string ConnectionString(const std::string& database = "postgres") const;
  // Runs SQL (several statements allowed); throws with the server's message.
  void Exec(const std::string& sql, const std::string& database = "postgres") const;
  // Runs a query and returns the first column of the first row as text.
  std::string Scalar(const std::string& sql, const std::string& database = "postgres") const;
  // Creates a fresh database with a unique name and returns the name.
  std::string CreateDatabase() const;

 private:
  std::filesystem::path dir_;
  std::string bin_;
  int port_ = 0;
  bool as_postgres_user_ = false;
};

// One cluster shared by every test of the process, started on first use.
PgCluster& SharedPgCluster();

}  // namespace tributary::testing
