// Object stores for tests: one per kind the machine can run (a local folder
// always; S3 through moto and Azure Blob through Azurite, started once per
// test process), empty for each test, so store-generic suites run unchanged
// against every store.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "store/object_store.h"

namespace tributary::testing {

// "local", "s3", "azure".
std::vector<std::string> TestStoreKinds();

// A fresh, empty store of `kind` (a new folder, bucket prefix or container
// prefix); nullptr when the kind's emulator is not installed or did not
// start (TestStoreMissing says why; tests skip then, and fail under CI=true).
std::unique_ptr<ObjectStore> OpenTestStore(const std::string& kind);
std::string TestStoreMissing(const std::string& kind);

// A fresh store of `kind` as a sink path and settings: `location` is the
// URL (a folder for "local"), `endpoint` the emulator's, for another process
// to open the same store with OpenTestStoreAt. Empty `location` when missing.
struct TestStoreSpot {
  std::string kind;
  std::string location;
  std::string endpoint;
};
TestStoreSpot NewTestStoreSpot(const std::string& kind);
// "kind|location|endpoint" and back, for a child process's environment.
std::string EncodeSpot(const TestStoreSpot& spot);
TestStoreSpot DecodeSpot(const std::string& text);
// The store at `spot`, opened through OpenObjectStore as a sink opens it.
std::unique_ptr<ObjectStore> OpenTestStoreAt(const TestStoreSpot& spot);

// Azurite's well-known account key (public, in its documentation).
const char* AzuriteKey();

// Copies every object under the store's root into `target` (for the test
// suite's local Delta readers).
void MirrorStore(ObjectStore& store, const std::filesystem::path& target);

}  // namespace tributary::testing

// Skips the test when the store kind's emulator is missing (fails it under
// CI=true: the install script must have provided it).
#define TRIBUTARY_REQUIRE_STORE(store, kind)                          \
  do {                                                                \
    if ((store) == nullptr) {                                         \
      const char* ci = std::getenv("CI");                             \
      std::string why = ::tributary::testing::TestStoreMissing(kind); \
      if (ci != nullptr && std::string(ci) == "true") FAIL() << why;  \
      GTEST_SKIP() << why;                                            \
    }                                                                 \
  } while (0)
