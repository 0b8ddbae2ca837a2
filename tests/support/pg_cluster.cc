#include "support/pg_cluster.h"

#include <libpq-fe.h>
#include <pwd.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/loopback_http_server.h"
#include "support/process.h"

namespace tributary::testing {
namespace {

namespace fs = std::filesystem;

std::string FindBinDir() {
  fs::path root = "/usr/lib/postgresql";
  if (fs::is_directory(root)) {
    for (const auto& v : fs::directory_iterator(root)) {
      if (fs::exists(v.path() / "bin" / "initdb")) return (v.path() / "bin").string();
    }
  }
  throw std::runtime_error(
      "PostgreSQL server binaries not found under /usr/lib/postgresql: install Debian's "
      "'postgresql' package (scripts/install-deps.sh does)");
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

using Conn = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

Conn Connect(const std::string& conninfo) {
  Conn conn(PQconnectdb(conninfo.c_str()), &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    throw std::runtime_error(std::string("test cluster: ") + PQerrorMessage(conn.get()));
  }
  return conn;
}

}  // namespace

PgCluster::PgCluster() : bin_(FindBinDir()), port_(FreeLoopbackPort()) {
  as_postgres_user_ = geteuid() == 0;
  dir_ = OwnedTempDir("tributary-pg-");
  std::string output;
  if (RunAsOwner({"cp", "-a", Template().string(), (dir_ / "data").string()}, &output) != 0) {
    throw std::runtime_error("copying the cluster template failed: " + output);
  }
  // fsync=off is safe for a throwaway cluster; synchronous_commit stays on so
  // an immediate stop (the connection-loss tests) loses no committed work.
  options_ = "-c listen_addresses=127.0.0.1 -c port=" + std::to_string(port_) +
             " -c unix_socket_directories=" + dir_.string() +
             " -c wal_level=logical -c max_wal_senders=10 -c max_replication_slots=10"
             " -c fsync=off -c full_page_writes=off";
  Start();
  Exec(std::string("CREATE ROLE ") + kPasswordUser + " LOGIN PASSWORD '" + kPassword + "'");
}

fs::path PgCluster::OwnedTempDir(const std::string& prefix) const {
  std::string pattern = (fs::temp_directory_path() / (prefix + "XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  if (as_postgres_user_) {
    passwd* pw = getpwnam("postgres");
    if (pw == nullptr) throw std::runtime_error("running as root but there is no 'postgres' user");
    if (chown(pattern.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      throw std::runtime_error("chown failed");
    }
  }
  return pattern;
}

// initdb takes seconds, copying its result a fraction of one: every cluster
// starts from a copy of one template data directory per user and PostgreSQL
// version, built once and renamed into place, so it is complete or absent.
fs::path PgCluster::Template() const {
  fs::path version = fs::path(bin_).parent_path().filename();
  fs::path done = fs::temp_directory_path() /
                  ("tributary-pg-template-" + std::to_string(getuid()) + "-" + version.string());
  if (fs::exists(done / "data" / "PG_VERSION")) return done / "data";
  fs::path building = OwnedTempDir("tributary-pg-template-build-");
  std::string output;
  if (RunAsOwner({bin_ + "/initdb", "-D", (building / "data").string(), "-U", "tributary",
                  "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"},
                 &output) != 0) {
    throw std::runtime_error("initdb failed: " + output);
  }
  AllowPasswordUser(building / "data");
  std::error_code ec;
  fs::rename(building, done, ec);  // fails if another process got there first: use theirs
  if (ec) fs::remove_all(building, ec);
  return done / "data";
}

PgCluster::~PgCluster() {
  RunAsOwner({bin_ + "/pg_ctl", "-D", (dir_ / "data").string(), "-m", "immediate", "stop"});
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

int PgCluster::RunAsOwner(std::vector<std::string> args, std::string* output) const {
  if (as_postgres_user_) args.insert(args.begin(), {"runuser", "-u", "postgres", "--"});
  ProcessResult result = RunProcess(args);
  if (output != nullptr) *output = result.out + result.err;
  return result.exit_code;
}

// Rules are matched in order: the password user's comes before initdb's
// "trust everyone" lines.
void PgCluster::AllowPasswordUser(const fs::path& data) const {
  fs::path hba = data / "pg_hba.conf";
  std::string rules =
      std::string("host all ") + kPasswordUser + " 127.0.0.1/32 scram-sha-256\n" + Slurp(hba);
  std::ofstream(hba, std::ios::trunc) << rules;
}

void PgCluster::Stop() {
  std::string output;
  if (RunAsOwner(
          {bin_ + "/pg_ctl", "-D", (dir_ / "data").string(), "-m", "immediate", "-w", "stop"},
          &output) != 0) {
    throw std::runtime_error("pg_ctl stop failed: " + output);
  }
}

void PgCluster::Start() {
  std::string output;
  if (RunAsOwner({bin_ + "/pg_ctl", "-D", (dir_ / "data").string(), "-l",
                  (dir_ / "server.log").string(), "-o", options_, "-w", "-t", "60", "start"},
                 &output) != 0) {
    throw std::runtime_error("pg_ctl start failed: " + output + "\nserver log:\n" +
                             Slurp(dir_ / "server.log"));
  }
}

std::string PgCluster::ConnectionString(const std::string& database) const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=tributary dbname=" + database +
         " connect_timeout=10";
}

ServerConfig PgCluster::Server(const std::string& name) const {
  return ServerConfig{
      name,
      "postgresql",
      {{"host", "127.0.0.1"}, {"port", std::to_string(port_)}, {"user", "tributary"}},
      {}};
}

void PgCluster::Exec(const std::string& sql, const std::string& database) const {
  Conn conn = Connect(ConnectionString(database));
  Result res(PQexec(conn.get(), sql.c_str()), &PQclear);
  auto status = PQresultStatus(res.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throw std::runtime_error(std::string("test cluster: ") + PQerrorMessage(conn.get()) +
                             " in: " + sql);
  }
}

std::string PgCluster::Scalar(const std::string& sql, const std::string& database) const {
  Conn conn = Connect(ConnectionString(database));
  Result res(PQexec(conn.get(), sql.c_str()), &PQclear);
  if (PQresultStatus(res.get()) != PGRES_TUPLES_OK || PQntuples(res.get()) == 0) {
    throw std::runtime_error(std::string("test cluster: no row from: ") + sql + " " +
                             PQerrorMessage(conn.get()));
  }
  return PQgetisnull(res.get(), 0, 0) ? "NULL" : PQgetvalue(res.get(), 0, 0);
}

std::string PgCluster::CreateDatabase() const {
  static std::atomic<int> counter{0};
  std::string name = "t_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  Exec("CREATE DATABASE " + name);
  return name;
}

PgCluster& SharedPgCluster() {
  static PgCluster cluster;
  return cluster;
}

}  // namespace tributary::testing
