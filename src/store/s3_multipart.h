// Large files to S3 as a multipart upload: parts read from the file one at
// a time (memory stays at one curl buffer, not a part), the upload aborted
// when any step fails so no parts are left to pay for.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "store/s3_client.h"

namespace tributary {

// Uploads `source` (`size` bytes) as `full_key` in parts of
// config().part_size. The object appears only on completion. Throws
// StoreError (after aborting the upload).
void UploadS3Multipart(const S3Client& s3, const std::string& full_key,
                       const std::filesystem::path& source, int64_t size);

}  // namespace tributary
