// Object stores for tests: one per kind the machine can run (a local folder
// always; S3 and Azure Blob through their emulators when installed), empty
// for each test, so store-generic suites run unchanged against every store.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "store/object_store.h"

namespace tributary::testing {

// "local", then the emulated kinds ("s3", "azure") once they exist here.
std::vector<std::string> TestStoreKinds();

// A fresh, empty store of `kind` (a new folder, bucket prefix or container);
// nullptr when the kind's emulator is not installed here (tests then skip
// with TestStoreMissing; under CI=true they fail instead).
std::unique_ptr<ObjectStore> OpenTestStore(const std::string& kind);

// Why OpenTestStore returned nullptr.
std::string TestStoreMissing(const std::string& kind);

}  // namespace tributary::testing
