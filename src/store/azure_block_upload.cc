#include "store/azure_block_upload.h"

#include <algorithm>
#include <cstdio>
#include <random>
#include <vector>

#include "clients/http/crypto.h"
#include "clients/http/url.h"
#include "store/azure_xml.h"

namespace tributary {

namespace {

// Ids of one blob's blocks must have equal lengths; a random run id keeps
// two uploads of the same blob from sharing uncommitted blocks.
std::string BlockId(uint64_t run, int index) {
  char text[32];
  std::snprintf(text, sizeof text, "%016llx%08d", static_cast<unsigned long long>(run), index);
  return Base64Encode(text);
}

void PutBlock(const AzureClient& azure, const std::string& full_key, const std::string& id,
              FileRange range) {
  HttpRequest request;
  request.method = "PUT";
  request.url = azure.UrlFor(full_key, EncodeQuery({{"comp", "block"}, {"blockid", id}}));
  request.body_file = std::move(range);
  HttpResponse response = azure.Send(request);
  if (!response.Ok()) azure.Fail(response, "upload a block of", full_key);
}

}  // namespace

void UploadAzureBlocks(const AzureClient& azure, const std::string& full_key,
                       const std::filesystem::path& source, int64_t size) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  uint64_t run = random();
  std::vector<std::string> ids;
  int64_t block_size = azure.config().block_size;
  for (int64_t offset = 0; offset < size; offset += block_size) {
    ids.push_back(BlockId(run, int(ids.size())));
    PutBlock(azure, full_key, ids.back(), {source, offset, std::min(block_size, size - offset)});
  }
  HttpRequest request;
  request.method = "PUT";
  request.url = azure.UrlFor(full_key, EncodeQuery({{"comp", "blocklist"}}));
  request.SetHeader("Content-Type", "application/xml");
  request.body = AzureBlockListXml(ids);
  HttpResponse response = azure.Send(request);
  if (!response.Ok()) azure.Fail(response, "commit the blocks of", full_key);
}

}  // namespace tributary
