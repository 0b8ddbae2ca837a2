// Large files to Azure Blob as blocks: Put Block per block (read from the
// file one at a time, memory bounded), then Put Block List commits them in
// one step — the blob appears whole or not at all. Blocks of a failed
// upload stay uncommitted; the service discards them after a week.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "store/azure_client.h"

namespace tributary {

// Uploads `source` (`size` bytes) as blob `full_key` in blocks of
// config().block_size. Throws StoreError.
void UploadAzureBlocks(const AzureClient& azure, const std::string& full_key,
                       const std::filesystem::path& source, int64_t size);

}  // namespace tributary
