// The object-store emulators of the store tests, started once per test
// suite on a free loopback port and stopped at its end: moto's S3 server
// with bucket "lake", and
// Azurite's Blob service (in memory) with container "lake". Both come from
// scripts/install-tools.sh (.venv/, .tools/azurite/).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "store/azure_store.h"
#include "store/s3_store.h"
#include "support/background_process.h"
#include "support/temp_dir.h"

namespace tributary::testing {

class MotoServer {
 public:
  // nullptr when moto is not installed; `why` says what is missing or
  // what went wrong starting it. With `check_signatures` moto verifies
  // SigV4 (INITIAL_NO_AUTH_ACTION_COUNT): a wrong secret gets 403. moto then
  // also refuses correctly signed requests whose query holds a '/' (a
  // listing prefix): it checks them against the decoded query, which
  // botocore's own requests fail too. So suites that list use a moto
  // without signature checks.
  static std::unique_ptr<MotoServer> Start(std::string* why, bool check_signatures);

  std::string endpoint;  // http://127.0.0.1:<port>
  std::string access_key_id;
  std::string secret_access_key;

  // A config for bucket "lake" under `prefix`, signed with the valid key.
  S3Config Config(const std::string& prefix) const;
  std::unique_ptr<S3Store> Store(const std::string& prefix) const;

 private:
  TempDir dir_{"tributary-moto"};
  std::unique_ptr<BackgroundProcess> process_;
};

class AzuriteServer {
 public:
  static constexpr const char* kAccount = "devstoreaccount1";
  static constexpr const char* kKey =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

  static std::unique_ptr<AzuriteServer> Start(std::string* why);

  std::string endpoint;  // http://127.0.0.1:<port>/devstoreaccount1

  AzureConfig Config(const std::string& prefix) const;
  std::unique_ptr<AzureStore> Store(const std::string& prefix) const;

 private:
  TempDir dir_{"tributary-azurite"};
  std::unique_ptr<BackgroundProcess> process_;
};

bool InCiRun();

// A prefix no other test uses ("<name>-<random>").
std::string UniquePrefix(const std::string& name);

}  // namespace tributary::testing

// Skips the test when the emulator did not start (fails it under CI=true:
// the install script must have provided it).
#define TRIBUTARY_REQUIRE_EMULATOR(server, why)             \
  do {                                                      \
    if ((server) == nullptr) {                              \
      if (::tributary::testing::InCiRun()) FAIL() << (why); \
      GTEST_SKIP() << (why);                                \
    }                                                       \
  } while (0)
