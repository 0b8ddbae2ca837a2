#include "support/store_fixture.h"

#include <mutex>
#include <sstream>
#include <stdexcept>

#include "common/files.h"
#include "store/local_store.h"
#include "store/open_store.h"
#include "support/store_emulators.h"
#include "support/temp_dir.h"

namespace tributary::testing {
namespace {

namespace fs = std::filesystem;

// The emulators of this test process, started on first use and stopped at
// exit. Without signature checks: moto then lists prefixes holding '/' (see
// store_emulators.h); signing is covered by the store suites.
struct Emulators {
  std::mutex mutex;
  bool moto_tried = false, azurite_tried = false;
  std::unique_ptr<MotoServer> moto;
  std::unique_ptr<AzuriteServer> azurite;
  std::string moto_why, azurite_why;
};

Emulators& Shared() {
  static Emulators emulators;
  return emulators;
}

MotoServer* Moto() {
  Emulators& e = Shared();
  std::lock_guard lock(e.mutex);
  if (!e.moto_tried) {
    e.moto_tried = true;
    e.moto = MotoServer::Start(&e.moto_why, false);
  }
  return e.moto.get();
}

AzuriteServer* Azurite() {
  Emulators& e = Shared();
  std::lock_guard lock(e.mutex);
  if (!e.azurite_tried) {
    e.azurite_tried = true;
    e.azurite = AzuriteServer::Start(&e.azurite_why);
  }
  return e.azurite.get();
}

fs::path LocalRoot() {
  static TempDir root;  // removed when the test binary exits
  return root.path();
}

}  // namespace

std::vector<std::string> TestStoreKinds() { return {"local", "s3", "azure"}; }

std::unique_ptr<ObjectStore> OpenTestStore(const std::string& kind) {
  TestStoreSpot spot = NewTestStoreSpot(kind);
  if (spot.location.empty()) return nullptr;
  return OpenTestStoreAt(spot);
}

std::string TestStoreMissing(const std::string& kind) {
  if (kind == "s3") return Moto() ? "" : Shared().moto_why;
  if (kind == "azure") return Azurite() ? "" : Shared().azurite_why;
  return "";
}

TestStoreSpot NewTestStoreSpot(const std::string& kind) {
  TestStoreSpot spot{kind, "", ""};
  if (kind == "local") {
    spot.location = (LocalRoot() / NewUuid()).string();
  } else if (kind == "s3") {
    if (MotoServer* moto = Moto()) {
      spot.location = "s3://lake/" + UniquePrefix("t");
      spot.endpoint = moto->endpoint;
    }
  } else if (kind == "azure") {
    if (AzuriteServer* azurite = Azurite()) {
      spot.location = "az://lake/" + UniquePrefix("t");
      spot.endpoint = azurite->endpoint;
    }
  } else {
    throw std::runtime_error("no test store of kind " + kind);
  }
  return spot;
}

std::string EncodeSpot(const TestStoreSpot& spot) {
  return spot.kind + "|" + spot.location + "|" + spot.endpoint;
}

TestStoreSpot DecodeSpot(const std::string& text) {
  std::istringstream in(text);
  TestStoreSpot spot;
  std::getline(in, spot.kind, '|');
  std::getline(in, spot.location, '|');
  std::getline(in, spot.endpoint);
  return spot;
}

std::unique_ptr<ObjectStore> OpenTestStoreAt(const TestStoreSpot& spot) {
  ParsedStoreUrl parsed = ParseStoreUrl(spot.location);
  if (!parsed.url) throw std::runtime_error(parsed.error);
  StoreOptions options;
  if (spot.kind == "s3") {
    options.aws_endpoint = spot.endpoint;
    options.aws_access_key_id = "test";
    options.aws_secret_access_key = "test";
    options.aws_region = "us-east-1";
  } else if (spot.kind == "azure") {
    options.azure_endpoint = spot.endpoint;
    options.azure_account = AzuriteServer::kAccount;
    options.azure_account_key = AzuriteServer::kKey;
  }
  return OpenObjectStore(*parsed.url, options);
}

const char* AzuriteKey() { return AzuriteServer::kKey; }

void MirrorStore(ObjectStore& store, const fs::path& target) {
  fs::create_directories(target);
  for (const ObjectInfo& object : store.List("")) {
    fs::path file = target / object.key;
    fs::create_directories(file.parent_path());
    if (!store.Download(object.key, file)) {
      throw std::runtime_error("vanished while mirrored: " + object.key);
    }
  }
}

}  // namespace tributary::testing
