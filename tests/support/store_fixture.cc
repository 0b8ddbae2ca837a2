#include "support/store_fixture.h"

#include <filesystem>
#include <stdexcept>

#include "common/files.h"
#include "store/local_store.h"
#include "support/temp_dir.h"

namespace tributary::testing {

std::vector<std::string> TestStoreKinds() { return {"local"}; }

std::unique_ptr<ObjectStore> OpenTestStore(const std::string& kind) {
  if (kind == "local") {
    static TempDir root;  // removed when the test binary exits
    return OpenLocalStore(root / NewUuid());
  }
  throw std::runtime_error("no test store of kind " + kind);
}

std::string TestStoreMissing(const std::string& kind) {
  return "the " + kind + " emulator is not installed (scripts/install-tools.sh)";
}

}  // namespace tributary::testing
