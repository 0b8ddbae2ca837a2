#include "support/store_emulators.h"

#include <chrono>
#include <cstdlib>
#include <random>
#include <sstream>
#include <thread>

#include "store/azure_shared_key.h"
#include "store/store_time.h"
#include "support/loopback_http_server.h"
#include "support/process.h"

namespace tributary::testing {

namespace {

namespace fs = std::filesystem;

fs::path SourceDir() { return fs::path(TRIBUTARY_SOURCE_DIR); }

bool WaitForPort(int port, BackgroundProcess& process, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (PortAnswers(port)) return true;
    if (!process.Running()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

HttpOptions TestHttp() {
  HttpOptions http;
  http.retry.initial_delay = std::chrono::milliseconds(50);
  http.retry.max_attempts = 4;
  return http;
}

}  // namespace

bool InCiRun() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

std::string UniquePrefix(const std::string& name) {
  static std::mt19937_64 random{std::random_device{}()};
  std::ostringstream out;
  out << name << "-" << std::hex << (random() & 0xffffffffu);
  return out.str();
}

std::unique_ptr<MotoServer> MotoServer::Start(std::string* why, bool check_signatures) {
  fs::path moto = SourceDir() / ".venv" / "bin" / "moto_server";
  fs::path python = SourceDir() / ".venv" / "bin" / "python";
  if (!fs::exists(moto)) {
    *why = "moto is not installed (" + moto.string() + "): run scripts/install-tools.sh";
    return nullptr;
  }
  auto server = std::unique_ptr<MotoServer>(new MotoServer());
  int port = FreeLoopbackPort();
  server->endpoint = "http://127.0.0.1:" + std::to_string(port);
  server->process_ = std::make_unique<BackgroundProcess>(
      std::vector<std::string>{moto.string(), "-H", "127.0.0.1", "-p", std::to_string(port)},
      check_signatures ? std::vector<std::string>{"INITIAL_NO_AUTH_ACTION_COUNT=3"}
                       : std::vector<std::string>{},
      server->dir_ / "moto.log");
  if (!WaitForPort(port, *server->process_, std::chrono::seconds(30))) {
    *why = "moto_server did not start: " + server->process_->LogTail();
    return nullptr;
  }
  ProcessResult setup =
      RunProcess({python.string(), (SourceDir() / "tests/support/moto_setup.py").string(),
                  server->endpoint, "lake"});
  std::istringstream keys(setup.out);
  keys >> server->access_key_id >> server->secret_access_key;
  if (setup.exit_code != 0 || server->secret_access_key.empty()) {
    *why = "moto setup failed: " + setup.err;
    return nullptr;
  }
  return server;
}

S3Config MotoServer::Config(const std::string& prefix) const {
  S3Config config;
  config.url = "s3://lake/" + prefix;
  config.bucket = "lake";
  config.prefix = prefix;
  config.endpoint = endpoint;
  config.http = TestHttp();
  return config;
}

std::unique_ptr<S3Store> MotoServer::Store(const std::string& prefix) const {
  StoreOptions options;
  options.aws_access_key_id = access_key_id;
  options.aws_secret_access_key = secret_access_key;
  return std::make_unique<S3Store>(Config(prefix),
                                   AwsCredentialChain(options, HttpClient(), "us-east-1"));
}

std::unique_ptr<AzuriteServer> AzuriteServer::Start(std::string* why) {
  fs::path azurite = SourceDir() / ".tools" / "azurite" / "node_modules" / ".bin" / "azurite-blob";
  if (!fs::exists(azurite)) {
    *why = "Azurite is not installed (" + azurite.string() + "): run scripts/install-tools.sh";
    return nullptr;
  }
  auto server = std::unique_ptr<AzuriteServer>(new AzuriteServer());
  int port = FreeLoopbackPort();
  server->endpoint = "http://127.0.0.1:" + std::to_string(port) + "/" + kAccount;
  server->process_ = std::make_unique<BackgroundProcess>(
      std::vector<std::string>{azurite.string(), "--blobHost", "127.0.0.1", "--blobPort",
                               std::to_string(port), "--inMemoryPersistence", "--disableTelemetry"},
      std::vector<std::string>{}, server->dir_ / "azurite.log");
  if (!WaitForPort(port, *server->process_, std::chrono::seconds(30))) {
    *why = "Azurite did not start: " + server->process_->LogTail();
    return nullptr;
  }
  HttpRequest create;
  create.method = "PUT";
  create.url = server->endpoint + "/lake?restype=container";
  auto sign = [](HttpRequest& r) {
    r.SetHeader("x-ms-date", FormatRfc1123(std::chrono::system_clock::now()));
    r.SetHeader("x-ms-version", AzureClient::kApiVersion);
    SignSharedKey(r, kAccount, kKey);
  };
  HttpResponse response = HttpClient(TestHttp()).Send(create, sign);
  if (response.status != 201) {
    *why = "Azurite refused to create container lake: HTTP " + std::to_string(response.status) +
           " " + response.body;
    return nullptr;
  }
  return server;
}

AzureConfig AzuriteServer::Config(const std::string& prefix) const {
  AzureConfig config;
  config.url = "az://lake/" + prefix;
  config.account = kAccount;
  config.container = "lake";
  config.prefix = prefix;
  config.endpoint = endpoint;
  config.http = TestHttp();
  return config;
}

std::unique_ptr<AzureStore> AzuriteServer::Store(const std::string& prefix) const {
  AzureAuth auth;
  auth.account_key = kKey;
  auth.describe = "the account key";
  return std::make_unique<AzureStore>(Config(prefix), auth);
}

}  // namespace tributary::testing
