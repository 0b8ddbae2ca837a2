// The ObjectStore on an S3 bucket prefix (AWS S3 or an S3-compatible
// endpoint): conditional PUT (If-None-Match: *) for commits, multipart
// upload above a size threshold, ListObjectsV2 paging.
#pragma once

#include <memory>

#include "store/object_store.h"
#include "store/s3_client.h"

namespace tributary {

// Thread-safe (see ObjectStore).
class S3Store : public ObjectStore {
 public:
  S3Store(S3Config config, std::unique_ptr<AwsCredentialSource> credentials);

  // One cheap signed request (a listing of at most one key) proving the
  // bucket exists and the credentials work. Throws StoreError with the fix.
  void Check();

  std::string Url() const override { return s3_.config().url; }
  std::optional<std::string> Get(const std::string& key) override;
  bool Download(const std::string& key, const std::filesystem::path& target) override;
  bool PutIfAbsent(const std::string& key, std::string_view content) override;
  void Put(const std::string& key, std::string_view content) override;
  void Upload(const std::string& key, const std::filesystem::path& source) override;
  std::vector<ObjectInfo> List(const std::string& prefix,
                               const std::string& start_after = "") override;
  void Delete(const std::string& key) override;

 private:
  std::string FullKey(const std::string& key) const;
  HttpRequest Request(const std::string& method, const std::string& key) const;
  void Missing(const HttpResponse& response, const std::string& action,
               const std::string& key) const;

  S3Client s3_;
};

}  // namespace tributary
