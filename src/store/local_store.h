// The object store of a local (or mounted) directory: keys are file paths
// under the root. Commits use the file system's put-if-absent (hard link or
// renameat2(RENAME_NOREPLACE), common/files.h); every write is fsynced.
#pragma once

#include <filesystem>
#include <memory>

#include "store/object_store.h"

namespace tributary {

// Creates `root` if needed. Throws StoreError when it cannot.
std::unique_ptr<ObjectStore> OpenLocalStore(const std::filesystem::path& root);

}  // namespace tributary
