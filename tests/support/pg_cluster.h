// A throwaway PostgreSQL cluster for tests: initdb into a temp folder, a free
// port on 127.0.0.1, wal_level=logical (ready for CDC), stopped and deleted on
// destruction. Uses Debian's `postgresql` package (scripts/install-deps.sh);
// when tests run as root, the server runs as the `postgres` system user.
// Each cluster is a copy of a template made once by initdb (kept in the temp
// folder per user and PostgreSQL version), so a test process starts one in
// well under a second.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "config/project.h"

namespace tributary::testing {

class PgCluster {
 public:
  // Starts the cluster; throws std::runtime_error with the server log when it
  // cannot (missing binaries, initdb or start failure).
  PgCluster();
  ~PgCluster();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  // A role that must log in with a password (scram-sha-256; every other
  // role is trusted), for tests of password handling and error messages.
  static constexpr const char* kPasswordUser = "password_user";
  static constexpr const char* kPassword = "pw-Secret-4711";

  int port() const { return port_; }
  // The server's log (stderr of the postmaster and every backend).
  std::filesystem::path log_file() const { return dir_ / "server.log"; }
  // Stops the server at once (pg_ctl -m immediate: like a crash; clients see
  // their connections drop) and starts it again on the same port.
  void Stop();
  void Start();
  // libpq connection string for `database` as the superuser `tributary`.
  std::string ConnectionString(const std::string& database = "postgres") const;
  // A project's `kind: postgresql` server entry `name` for this cluster, as
  // the superuser `tributary`.
  ServerConfig Server(const std::string& name) const;
  // Runs SQL (several statements allowed); throws with the server's message.
  void Exec(const std::string& sql, const std::string& database = "postgres") const;
  // Runs a query and returns the first column of the first row as text.
  std::string Scalar(const std::string& sql, const std::string& database = "postgres") const;
  // Creates a fresh database with a unique name and returns the name.
  std::string CreateDatabase() const;

 private:
  // Runs a server binary as the cluster's owner.
  int RunAsOwner(std::vector<std::string> args, std::string* output = nullptr) const;
  void AllowPasswordUser(const std::filesystem::path& data) const;
  std::filesystem::path OwnedTempDir(const std::string& prefix) const;
  std::filesystem::path Template() const;

  std::filesystem::path dir_;
  std::string bin_;
  std::string options_;  // server settings given to pg_ctl start
  int port_ = 0;
  bool as_postgres_user_ = false;
};

// One cluster shared by every test of the process, started on first use.
PgCluster& SharedPgCluster();

}  // namespace tributary::testing
