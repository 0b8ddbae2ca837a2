// The ObjectStore on an Azure Blob container prefix (Blob storage, or ADLS
// Gen2 through its Blob endpoint): Put Blob with If-None-Match: * for
// commits, block upload above a size threshold, List Blobs with markers.
#pragma once

#include "store/azure_client.h"
#include "store/object_store.h"

namespace tributary {

// Thread-safe (see ObjectStore).
class AzureStore : public ObjectStore {
 public:
  AzureStore(AzureConfig config, AzureAuth auth);

  // One cheap authorized request (a listing of at most one blob) proving
  // the container exists and the credentials work. Throws StoreError.
  void Check();

  std::string Url() const override { return azure_.config().url; }
  std::optional<std::string> Get(const std::string& key) override;
  bool Download(const std::string& key, const std::filesystem::path& target) override;
  bool PutIfAbsent(const std::string& key, std::string_view content) override;
  void Put(const std::string& key, std::string_view content) override;
  void Upload(const std::string& key, const std::filesystem::path& source) override;
  // Azure has no start-after: the listing starts at `prefix` and skips keys
  // up to `start_after` itself.
  std::vector<ObjectInfo> List(const std::string& prefix,
                               const std::string& start_after = "") override;
  void Delete(const std::string& key) override;

 private:
  std::string FullKey(const std::string& key) const;
  HttpRequest Request(const std::string& method, const std::string& key) const;
  void Missing(const HttpResponse& response, const std::string& action,
               const std::string& key) const;
  HttpResponse PutBlob(const std::string& key, std::string_view content, bool if_absent);

  AzureClient azure_;
};

}  // namespace tributary
