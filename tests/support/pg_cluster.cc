#include "support/pg_cluster.h"

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <thread>

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

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
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

PgCluster::PgCluster() : bin_(FindBinDir()), port_(FreePort()) {
  char tmpl[] = "/tmp/tributary-pg-XXXXXX";
  dir_ = mkdtemp(tmpl);
  as_postgres_user_ = geteuid() == 0;
  std::vector<std::string> prefix;
  if (as_postgres_user_) {
    passwd* pw = getpwnam("postgres");
    if (pw == nullptr) throw std::runtime_error("running as root but there is no 'postgres' user");
    if (chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) throw std::runtime_error("chown failed");
    prefix = {"runuser", "-u", "postgres", "--"};
  }
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), prefix.begin(), prefix.end());
    return RunProcess(args);
  };
  fs::path data = dir_ / "data";
  auto init = run({bin_ + "/initdb", "-D", data.string(), "-U", "tributary", "--auth=trust",
                   "--no-sync", "-E", "UTF8", "--locale=C"});
  if (init.exit_code != 0) throw std::runtime_error("initdb failed: " + init.out + init.err);
  std::string options = "-c listen_addresses=127.0.0.1 -c port=" + std::to_string(port_) +
                        " -c unix_socket_directories=" + dir_.string() +
                        " -c wal_level=logical -c max_wal_senders=10 -c max_replication_slots=10"
                        " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
  auto start = run({bin_ + "/pg_ctl", "-D", data.string(), "-l", (dir_ / "server.log").string(),
                    "-o", options, "-w", "-t", "60", "start"});
  if (start.exit_code != 0) {
    throw std::runtime_error("pg_ctl start failed: " + start.out + start.err + "\nserver log:\n" +
                             Slurp(dir_ / "server.log"));
  }
}

PgCluster::~PgCluster() {
  std::vector<std::string> args = {bin_ + "/pg_ctl", "-D",  (dir_ / "data").string(), "-m",
                                   "immediate",      "stop"};
  if (as_postgres_user_) args.insert(args.begin(), {"runuser", "-u", "postgres", "--"});
  RunProcess(args);
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string PgCluster::ConnectionString(const std::string& database) const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=tributary dbname=" + database +
         " connect_timeout=10";
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
