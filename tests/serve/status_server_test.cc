// The status server over real HTTP: the quickstart project (SQLite source,
// DuckDB bronze) loaded by the tributary binary, then served from this
// process on a free loopback port and asked with an HTTP client and raw
// sockets — the API against `status`/`runs --format json`, the metrics
// against a parser of the text format, bad requests, many clients, a sink
// another process holds and a sink that cannot be read.
#include "serve/status_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "common/error.h"
#include "config/loader.h"
#include "serve/metrics.h"
#include "support/pg_cluster.h"
#include "support/process.h"
#include "support/quickstart.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::ProcessResult;
using testing::RunProcess;
using testing::RunTributary;

// One sample line of the text format: name{labels} value.
struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// Parses Prometheus text exposition (0.0.4): every line is a HELP or TYPE
// comment or a well-formed sample whose family has both; fails the test at
// the first line that is not.
std::vector<Sample> ParseMetrics(const std::string& text) {
  static const std::regex kHelp(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .+)");
  static const std::regex kType(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (gauge|counter|untyped))");
  static const std::regex kSample(R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+))");
  static const std::regex kLabel(R"(([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)\"(,|$))");
  std::set<std::string> helped, typed;
  std::vector<Sample> samples;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, kHelp)) {
      helped.insert(m[1]);
    } else if (std::regex_match(line, m, kType)) {
      typed.insert(m[1]);
    } else if (std::regex_match(line, m, kSample)) {
      Sample s{m[1], {}, 0};
      EXPECT_TRUE(helped.count(s.name) && typed.count(s.name)) << "no HELP/TYPE before " << line;
      std::string labels = m[3];
      size_t consumed = 0;
      for (std::sregex_iterator it(labels.begin(), labels.end(), kLabel), end; it != end; ++it) {
        EXPECT_EQ(static_cast<size_t>(it->position()), consumed) << "bad labels in " << line;
        s.labels[(*it)[1]] = (*it)[2];
        consumed += it->length();
      }
      EXPECT_EQ(consumed, labels.size()) << "bad labels in " << line;
      char* end = nullptr;
      std::string value = m[4];
      s.value = std::strtod(value.c_str(), &end);
      EXPECT_EQ(end, value.c_str() + value.size()) << "value not numeric: " << line;
      samples.push_back(s);
    } else {
      ADD_FAILURE() << "not a line of the text format: '" << line << "'";
    }
  }
  return samples;
}

// Sends `request` as is on a new connection and returns the whole answer.
std::string RawRequest(int port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return "";
  }
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string answer;
  char buffer[4096];
  ssize_t n;
  while ((n = recv(fd, buffer, sizeof buffer, 0)) > 0)
    answer.append(buffer, static_cast<size_t>(n));
  close(fd);
  return answer;
}

std::string StatusLine(const std::string& answer) { return answer.substr(0, answer.find("\r\n")); }

class StatusServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tributary-serve-XXXXXX";
    dir_ = mkdtemp(tmpl);
    project_dir_ = testing::MakeQuickstartProject(dir_);
  }
  void TearDown() override {
    server_.reset();
    access_.reset();
    fs::remove_all(dir_);
  }

  ProcessResult Tributary(std::vector<std::string> args) {
    args.insert(args.begin(), {"--project", project_dir_.string()});
    return RunTributary(args);
  }
  // Loads the tables of two runs; the second with `products` failing (its
  // source table dropped).
  void LoadTwice() {
    ASSERT_EQ(Tributary({"run", "--tables", "customers,products,orders"}).exit_code, 0);
    testing::SqliteExec(project_dir_ / "data" / "shop.db", "DROP TABLE products");
    ProcessResult second = Tributary({"run", "--tables", "customers,products"});
    ASSERT_EQ(second.exit_code, 1) << second.err;
  }
  void Serve(ServeOptions options = {}) {
    auto loaded = LoadProject(project_dir_);
    ASSERT_TRUE(loaded.project && !loaded.diagnostics.HasErrors());
    project_ = std::move(*loaded.project);
    access_ = std::make_unique<OpenPerReadAccess>(project_);
    options.port = 0;
    server_ = std::make_unique<StatusServer>(project_, project_.tasks, *access_, options);
    server_->Bind();
    server_->Start();
  }
  httplib::Client Client() {
    httplib::Client client("127.0.0.1", server_->Port());
    client.set_read_timeout(30);
    return client;
  }
  json GetJson(const std::string& path, int want = 200) {
    auto res = Client().Get(path.c_str());
    EXPECT_TRUE(res) << path;
    if (!res) return json();
    EXPECT_EQ(res->status, want) << path << ": " << res->body;
    return json::parse(res->body);
  }
  static json WithoutVolatile(json j) {
    j.erase("generated_at");
    j.erase("warnings");
    return j;
  }

  fs::path dir_, project_dir_;
  Project project_;
  std::unique_ptr<OpenPerReadAccess> access_;
  std::unique_ptr<StatusServer> server_;
};

TEST_F(StatusServerTest, ApiStatusIsStatusFormatJson) {
  LoadTwice();
  Serve();
  json served = GetJson("/api/status");
  ProcessResult cli = Tributary({"status", "--format", "json"});
  ASSERT_FALSE(cli.out.empty()) << cli.err;
  EXPECT_EQ(WithoutVolatile(served), WithoutVolatile(json::parse(cli.out)));
  std::map<std::string, std::string> health;
  for (const auto& t : served["tables"]) health[t["task_id"]] = t["health"];
  EXPECT_EQ(health["shop__products"], "failing");
  EXPECT_EQ(health["shop__customers"], "ok");
  EXPECT_EQ(health["shop__events"], "never");
  EXPECT_FALSE(served["healthy"].get<bool>());
}

TEST_F(StatusServerTest, ApiRunsAreRunsFormatJson) {
  LoadTwice();
  Serve();
  json runs = GetJson("/api/runs");
  json cli = json::parse(Tributary({"runs", "--format", "json"}).out);
  EXPECT_EQ(runs, cli);
  ASSERT_EQ(runs["runs"].size(), 2u);
  EXPECT_EQ(GetJson("/api/runs?limit=1")["runs"].size(), 1u);
  std::string newest = runs["runs"][0]["run_id"];
  json one = GetJson("/api/runs/" + newest);
  EXPECT_EQ(one, json::parse(Tributary({"runs", newest, "--format", "json"}).out));
  bool failed_whole = false;
  for (const auto& r : one["results"]) {
    if (r["task_id"] == "shop__products") {
      failed_whole = r["status"] == "failed" &&
                     r["error"].get<std::string>().find("products") != std::string::npos;
    }
  }
  EXPECT_TRUE(failed_whole) << one.dump(2);
  GetJson("/api/runs/no_such_run", 404);
  json with_results = GetJson("/api/runs?results=true");
  EXPECT_EQ(with_results["runs"][0]["results"], one["results"]);
}

TEST_F(StatusServerTest, TablePageLineageScheduleAndHealthz) {
  LoadTwice();
  Serve();
  json table = GetJson("/api/tables/shop__customers");
  EXPECT_EQ(table["status"]["task_id"], "shop__customers");
  EXPECT_EQ(table["loads"].size(), 2u);
  GetJson("/api/tables/no_such_table", 404);
  json lineage = GetJson("/api/lineage");
  std::set<std::pair<std::string, std::string>> edges;
  for (const auto& e : lineage["edges"]) {
    edges.insert({e["from"].get<std::string>(), e["to"].get<std::string>()});
  }
  EXPECT_TRUE(edges.count({"source:shop/shop.db/main.orders", "shop__orders"})) << lineage.dump();
  json schedule = GetJson("/api/schedule");
  EXPECT_GE(schedule["frequencies"].size(), 3u);
  EXPECT_TRUE(schedule["frequencies"][0]["next_run"].is_string());
  EXPECT_EQ(GetJson("/healthz")["status"], "ok");
  auto page = Client().Get("/");
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("<script src=\"/app.js\">"), std::string::npos);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  auto script = Client().Get("/app.js");
  ASSERT_TRUE(script);
  EXPECT_NE(script->body.find("function render"), std::string::npos);
}

// A table loaded rarely among frequent loads: its page still lists its own
// loads (read by task, not from the newest runs only), its schema changes and
// the rows of the table, which /metrics exports too.
TEST_F(StatusServerTest, ARarelyLoadedTableShowsItsLoadsSchemaChangesAndRows) {
  ASSERT_EQ(Tributary({"run", "--tables", "shop__products"}).exit_code, 0);
  testing::SqliteExec(project_dir_ / "data" / "shop.db",
                      "ALTER TABLE products ADD COLUMN color TEXT; "
                      "INSERT INTO products (id, sku, name, price, added_on) "
                      "VALUES (100000, 'X', 'x', 1, '2024-01-01')");
  ASSERT_EQ(Tributary({"run", "--tables", "shop__products"}).exit_code, 0);
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(Tributary({"run", "--tables", "shop__customers"}).exit_code, 0);
  ServeOptions options;
  options.feed.runs = 3;
  options.feed.runs_with_results = 1;  // the feed holds customers' loads only
  Serve(options);
  json table = GetJson("/api/tables/shop__products");
  ASSERT_EQ(table["loads"].size(), 2u) << table.dump();
  EXPECT_EQ(table["loads"][0]["status"], "succeeded");
  std::string products = testing::DuckDbScalar(project_dir_ / "lakehouse.duckdb",
                                               "SELECT count(*) FROM bronze.shop__products");
  EXPECT_EQ(table["status"]["table_rows"].dump(), products);
  EXPECT_EQ(table["loads"][0]["table_rows"].dump(), products);
  EXPECT_EQ(table["status"]["shape_changed"], true);
  ASSERT_EQ(table["status"]["schema_changes"].size(), 1u);
  EXPECT_EQ(table["status"]["schema_changes"][0]["column"], "color");
  EXPECT_EQ(table["status"]["schema_changes"][0]["change"], "added");
  EXPECT_EQ(table["status"]["schema_changes"][0]["run_id"], table["loads"][0]["run_id"]);
  EXPECT_EQ(GetJson("/api/tables/shop__customers")["loads"].size(), 3u);
  auto res = Client().Get("/metrics");
  ASSERT_TRUE(res);
  double rows = -1;
  for (const auto& s : ParseMetrics(res->body)) {
    if (s.name == "tributary_table_rows" && s.labels.at("table") == "shop__products")
      rows = s.value;
  }
  EXPECT_EQ(rows, std::stod(products));
}

TEST_F(StatusServerTest, MetricsAreWellFormedPrometheusText) {
  LoadTwice();
  Serve();
  auto res = Client().Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  auto samples = ParseMetrics(res->body);
  std::map<std::string, double> failing, rows, fresh_state;
  double up = -1;
  for (const auto& s : samples) {
    if (s.name == "tributary_up") up = s.value;
    if (s.name == "tributary_table_failing") failing[s.labels.at("table")] = s.value;
    if (s.name == "tributary_table_last_rows") rows[s.labels.at("table")] = s.value;
    if (s.name == "tributary_table_health" && s.labels.at("state") == "fresh") {
      fresh_state[s.labels.at("table")] = s.value;
      EXPECT_EQ(s.labels.at("layer"), "bronze");
      EXPECT_TRUE(s.labels.count("frequency") && s.labels.count("server") &&
                  s.labels.count("strategy"));
    }
  }
  EXPECT_EQ(up, 1);
  EXPECT_EQ(failing["shop__products"], 1);
  EXPECT_EQ(failing["shop__customers"], 0);
  EXPECT_EQ(fresh_state["shop__customers"], 1);
  EXPECT_EQ(rows["shop__customers"],
            std::stod(testing::DuckDbScalar(project_dir_ / "lakehouse.duckdb",
                                            "SELECT count(*) FROM bronze.shop__customers")));
  EXPECT_EQ(EscapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

TEST_F(StatusServerTest, BadRequestsAreAnsweredAndTheServerLives) {
  Serve();
  int port = server_->Port();
  EXPECT_EQ(GetJson("/no/such/page", 404)["status"], 404);
  for (const char* path : {"/../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd",
                           "/api/runs/..%2f..%2fetc", "/style.css/../../etc/passwd"}) {
    std::string answer = RawRequest(port, std::string("GET ") + path +
                                              " HTTP/1.1\r\nHost: x\r\n"
                                              "Connection: close\r\n\r\n");
    EXPECT_NE(StatusLine(answer).find(" 40"), std::string::npos) << path << ": " << answer;
    EXPECT_EQ(answer.find("root:"), std::string::npos) << path;
  }
  for (const char* method : {"POST", "PUT", "DELETE", "PATCH"}) {
    std::string answer = RawRequest(port, std::string(method) +
                                              " /api/status HTTP/1.1\r\nHost: x\r\n"
                                              "Content-Length: 0\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(StatusLine(answer), "HTTP/1.1 405 Method Not Allowed") << method;
    EXPECT_NE(answer.find("Allow: GET, HEAD"), std::string::npos);
  }
  std::string huge = "GET /api/status HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(200000, 'a') +
                     "\r\nConnection: close\r\n\r\n";
  std::string answer = RawRequest(port, huge);
  EXPECT_TRUE(answer.empty() || StatusLine(answer).find(" 4") != std::string::npos)
      << StatusLine(answer);
  std::string many = "GET / HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 2000; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
  answer = RawRequest(port, many + "Connection: close\r\n\r\n");
  EXPECT_EQ(StatusLine(answer), "HTTP/1.1 200 OK") << "many small headers are read, not a crash";
  EXPECT_EQ(StatusLine(RawRequest(port, "NONSENSE\r\n\r\n")).substr(0, 12), "HTTP/1.1 400");
  EXPECT_EQ(GetJson("/healthz")["status"], "ok") << "the server answers after bad requests";
}

TEST_F(StatusServerTest, ManyConcurrentClients) {
  LoadTwice();
  Serve();
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 40; ++i) {
    clients.emplace_back([&, i] {
      httplib::Client client("127.0.0.1", server_->Port());
      client.set_read_timeout(60);
      for (int k = 0; k < 3; ++k) {
        const char* path = (i + k) % 3 == 0   ? "/api/status"
                           : (i + k) % 3 == 1 ? "/metrics"
                                              : "/api/runs";
        auto res = client.Get(path);
        if (res && res->status == 200) ++ok;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 120);
}

TEST_F(StatusServerTest, ServesWhileAnotherProcessHoldsTheSinkFile) {
  fs::path python = fs::path(TRIBUTARY_SOURCE_DIR) / ".venv" / "bin" / "python";
  if (!fs::exists(python)) GTEST_SKIP() << "DuckDB's Python client is not in .venv";
  LoadTwice();
  fs::path marker = dir_ / "held";
  std::string script = "import duckdb, pathlib, time\nc = duckdb.connect('" +
                       (project_dir_ / "lakehouse.duckdb").string() + "')\npathlib.Path('" +
                       marker.string() + "').touch()\ntime.sleep(6)\n";
  auto holder = std::async(std::launch::async, [&] {
    return RunProcess({python.string(), "-c", script});
  });
  for (int i = 0; i < 1500 && !fs::exists(marker); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(fs::exists(marker));
  Serve();
  auto started = std::chrono::steady_clock::now();
  json status = GetJson("/api/status");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3)) << "did not wait";
  ASSERT_TRUE(status.contains("note")) << status.dump();
  EXPECT_NE(status["note"].get<std::string>().find("in use"), std::string::npos);
  std::map<std::string, std::string> health;
  for (const auto& t : status["tables"]) health[t["task_id"]] = t["health"];
  EXPECT_EQ(health["shop__products"], "failing");
  EXPECT_EQ(health["shop__customers"], "ok");
  EXPECT_EQ(Client().Get("/metrics")->status, 200);
  EXPECT_EQ(holder.get().exit_code, 0);
}

TEST_F(StatusServerTest, AnUnreadableSinkIs503AndTheServerLives) {
  std::ofstream(project_dir_ / "lakehouse.duckdb") << std::string(8192, 'x');  // not DuckDB's
  Serve();
  json error = GetJson("/api/status", 503);
  EXPECT_NE(error["error"].get<std::string>().find("run history"), std::string::npos);
  GetJson("/api/runs", 503);
  auto metrics = Client().Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("tributary_up 0"), std::string::npos);
  EXPECT_EQ(GetJson("/healthz")["status"], "ok");
  EXPECT_NE(Client().Get("/")->body.find("<html"), std::string::npos);
}

TEST_F(StatusServerTest, NonLoopbackNeedsATokenAndTheTokenIsChecked) {
  auto loaded = LoadProject(project_dir_);
  ASSERT_TRUE(loaded.project);
  project_ = std::move(*loaded.project);
  access_ = std::make_unique<OpenPerReadAccess>(project_);
  ServeOptions open;
  open.host = "0.0.0.0";
  try {
    StatusServer refused(project_, project_.tasks, *access_, open);
    ADD_FAILURE() << "a non-loopback server without a token was made";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("serve.token"), std::string::npos) << e.what();
  }
  ServeOptions with_token;
  with_token.token = "tok-8c1f2e";
  Serve(with_token);
  EXPECT_EQ(Client().Get("/api/status")->status, 401);
  EXPECT_EQ(Client().Get("/")->status, 401);
  httplib::Client bearer = Client();
  bearer.set_bearer_token_auth("tok-8c1f2e");
  EXPECT_EQ(bearer.Get("/api/status")->status, 200);
  httplib::Client basic = Client();
  basic.set_basic_auth("anyone", "tok-8c1f2e");
  EXPECT_EQ(basic.Get("/metrics")->status, 200);
  httplib::Client wrong = Client();
  wrong.set_bearer_token_auth("tok-8c1f2f");
  EXPECT_EQ(wrong.Get("/api/status")->status, 401);
  EXPECT_EQ(Client().Get("/healthz")->status, 200);
}

TEST_F(StatusServerTest, NoSecretInAnyResponse) {
  setenv("TRIBUTARY_TEST_SERVE_TOKEN", "secret-token-5d2a", 1);
  setenv("TRIBUTARY_TEST_PG_PASSWORD", "pg-password-9b7c", 1);
  {
    std::ofstream yml(project_dir_ / "tributary.yml", std::ios::app);
    yml << "\nserve:\n  token: ${env:TRIBUTARY_TEST_SERVE_TOKEN}\n";
  }
  std::string yml = (project_dir_ / "tributary.yml").string();
  ASSERT_EQ(RunProcess({"sed", "-i",
                        "s|^servers:|servers:\\n  warehouse:\\n    kind: postgresql\\n    host: "
                        "db.internal\\n    user: loader\\n    password: "
                        "${env:TRIBUTARY_TEST_PG_PASSWORD}|",
                        yml})
                .exit_code,
            0);
  ASSERT_EQ(Tributary({"run", "--tables", "customers"}).exit_code, 0);
  auto loaded = LoadProject(project_dir_);
  ASSERT_TRUE(loaded.project && !loaded.diagnostics.HasErrors());
  ServeOptions options;
  options.token = ResolveServeToken(*loaded.project);
  EXPECT_EQ(options.token, "secret-token-5d2a");
  Serve(options);
  httplib::Client client = Client();
  client.set_bearer_token_auth(options.token);
  for (const char* path :
       {"/", "/app.js", "/api/status", "/api/runs?results=true", "/api/lineage", "/api/schedule",
        "/api/tables/shop__customers", "/metrics", "/healthz", "/nothing"}) {
    auto res = client.Get(path);
    ASSERT_TRUE(res) << path;
    for (const char* secret : {"secret-token-5d2a", "pg-password-9b7c", "db.internal"}) {
      EXPECT_EQ(res->body.find(secret), std::string::npos) << path << " shows " << secret;
      for (const auto& [name, value] : res->headers) {
        EXPECT_EQ(value.find(secret), std::string::npos) << path << " header " << name;
      }
    }
  }
  unsetenv("TRIBUTARY_TEST_SERVE_TOKEN");
  unsetenv("TRIBUTARY_TEST_PG_PASSWORD");
}

// A cdc table's stream as `cdc status` reads it: its lag and retained WAL in
// /api/cdc and /metrics, read by the probe, never by a request.
TEST_F(StatusServerTest, CdcLagAndRetainedLogOfARealPostgresStream) {
  auto& pg = testing::SharedPgCluster();
  std::string db = pg.CreateDatabase();
  pg.Exec(
      "CREATE TABLE serve_accounts (id int PRIMARY KEY, balance bigint);"
      "INSERT INTO serve_accounts SELECT i, i FROM generate_series(1, 20) i",
      db);
  std::string yml = (project_dir_ / "tributary.yml").string();
  ASSERT_EQ(
      RunProcess({"sed", "-i",
                  "s|^servers:|servers:\\n  pg:\\n    kind: postgresql\\n    host: "
                  "127.0.0.1\\n    port: " +
                      std::to_string(pg.port()) + "\\n    user: tributary\\n    sslmode: disable|",
                  yml})
          .exit_code,
      0);
  fs::create_directories(project_dir_ / "ingest" / "cdc" / "pg");
  std::ofstream(project_dir_ / "ingest" / "cdc" / "pg" / (db + ".yml"))
      << "server: pg\ndatabase: " << db
      << "\nschemas:\n  - name: public\n    tables:\n      - name: serve_accounts\n";
  ProcessResult run = Tributary({"run", "--strategy", "cdc"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  pg.Exec("INSERT INTO serve_accounts SELECT i, i FROM generate_series(21, 2000) i", db);
  ServeOptions options;
  options.cdc_interval = std::chrono::milliseconds(200);
  Serve(options);
  std::string id = db + "__serve_accounts";
  json cdc;
  for (int i = 0; i < 100 && (cdc.is_null() || cdc["tables"].empty()); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    cdc = GetJson("/api/cdc");
  }
  ASSERT_EQ(cdc["tables"].size(), 1u) << cdc.dump();
  const json& t = cdc["tables"][0];
  EXPECT_EQ(t["task_id"], id);
  EXPECT_TRUE(t["error"].is_null()) << t;
  EXPECT_NE(t["stream"].get<std::string>().find("slot "), std::string::npos) << t;
  ASSERT_TRUE(t["lag_bytes"].is_number_integer()) << t;
  EXPECT_GT(t["lag_bytes"].get<int64_t>(), 0) << "rows inserted since the load";
  EXPECT_TRUE(t["retained_bytes"].is_number_integer()) << t;
  auto samples = ParseMetrics(Client().Get("/metrics")->body);
  bool lag = false;
  for (const auto& s : samples) {
    lag |= s.name == "tributary_cdc_lag_bytes" && s.labels.at("table") == id && s.value > 0;
  }
  EXPECT_TRUE(lag) << "tributary_cdc_lag_bytes for " << id;
}

TEST(ListenAddress, ParsesHostAndPort) {
  ServeOptions o;
  ParseListenAddress("0.0.0.0:9000", o);
  EXPECT_EQ(o.host, "0.0.0.0");
  EXPECT_EQ(o.port, 9000);
  ParseListenAddress(":8181", o);
  EXPECT_EQ(o.host, "127.0.0.1");
  ParseListenAddress("[::1]:80", o);
  EXPECT_EQ(o.host, "::1");
  EXPECT_THROW(ParseListenAddress("localhost", o), ConfigError);
  EXPECT_THROW(ParseListenAddress("h:99999", o), ConfigError);
  EXPECT_TRUE(IsLoopback("127.0.0.1"));
  EXPECT_FALSE(IsLoopback("0.0.0.0"));
}

}  // namespace
}  // namespace tributary
