#include "store/open_store.h"

#include <fmt/format.h>

#include "store/local_store.h"

namespace tributary {

std::unique_ptr<ObjectStore> OpenObjectStore(const StoreUrl& url, const StoreOptions& options) {
  (void)options;
  if (url.scheme == StoreScheme::kLocal) return OpenLocalStore(url.local);
  throw StoreError(fmt::format("'{}': object storage is not available in this build", url.text));
}

}  // namespace tributary
