#include "store/open_store.h"

#include <cstdlib>

#include "store/aws_credentials.h"
#include "store/azure_credentials.h"
#include "store/azure_store.h"
#include "store/local_store.h"
#include "store/s3_store.h"

namespace tributary {

namespace {

std::string FirstOf(std::initializer_list<const char*> names) {
  for (const char* name : names) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value) return value;
  }
  return "";
}

std::unique_ptr<ObjectStore> OpenS3(const StoreUrl& url, const StoreOptions& options) {
  S3Config config;
  config.url = url.text;
  config.bucket = url.bucket;
  config.prefix = url.prefix;
  config.region = options.aws_region.empty() ? FirstOf({"AWS_REGION", "AWS_DEFAULT_REGION"})
                                             : options.aws_region;
  if (config.region.empty()) config.region = "us-east-1";
  config.endpoint = options.aws_endpoint.empty()
                        ? FirstOf({"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"})
                        : options.aws_endpoint;
  config.virtual_hosted = options.aws_virtual_hosted;
  HttpClient http(config.http);
  auto credentials = AwsCredentialChain(options, http, config.region);
  auto store = std::make_unique<S3Store>(std::move(config), std::move(credentials));
  store->Check();
  return store;
}

std::unique_ptr<ObjectStore> OpenAzure(const StoreUrl& url, const StoreOptions& options) {
  AzureConfig config;
  config.url = url.text;
  config.container = url.bucket;
  config.prefix = url.prefix;
  config.account = url.account;
  if (config.account.empty()) config.account = options.azure_account;
  if (config.account.empty())
    config.account = FirstOf({"AZURE_STORAGE_ACCOUNT", "AZURE_STORAGE_ACCOUNT_NAME"});
  if (config.account.empty()) {
    throw StoreError("'" + url.text +
                     "' names no storage account: set the sink's azure_account (or "
                     "AZURE_STORAGE_ACCOUNT), or write "
                     "abfss://CONTAINER@ACCOUNT.dfs.core.windows.net/PREFIX");
  }
  config.endpoint = options.azure_endpoint;
  AzureAuth auth = ResolveAzureAuth(options, HttpClient(config.http));
  auto store = std::make_unique<AzureStore>(std::move(config), std::move(auth));
  store->Check();
  return store;
}

}  // namespace

std::unique_ptr<ObjectStore> OpenObjectStore(const StoreUrl& url, const StoreOptions& options) {
  switch (url.scheme) {
    case StoreScheme::kLocal:
      return OpenLocalStore(url.local);
    case StoreScheme::kS3:
      return OpenS3(url, options);
    case StoreScheme::kAzure:
      return OpenAzure(url, options);
  }
  throw StoreError("'" + url.text + "': unknown store scheme");
}

}  // namespace tributary
