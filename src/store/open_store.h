// Where a sink's files live, from its `path` and settings: the URL schemes
// tributary writes to (a local directory, s3://, abfss:// / abfs://, az://)
// and the store that serves each.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "store/object_store.h"

namespace tributary {

enum class StoreScheme { kLocal, kS3, kAzure };

struct StoreUrl {
  StoreScheme scheme = StoreScheme::kLocal;
  std::string text;     // as written
  std::string local;    // kLocal: the directory
  std::string bucket;   // kS3: bucket; kAzure: container
  std::string account;  // kAzure: storage account ("" for az:// without one)
  std::string prefix;   // key prefix inside the bucket/container, no leading or trailing '/'
};

// Parses a sink path. Plain paths and file:// URLs are local; s3:// (and
// s3a://) name an S3 bucket; abfss://container@account.dfs.core.windows.net/p,
// abfs://… and az://container/p an Azure Blob container (ADLS Gen2 accounts
// are written through their Blob endpoint). Returns the error text — what is
// wrong and the fix — for other schemes (gs://, dbfs:/, /Volumes/…) and
// malformed URLs.
struct ParsedStoreUrl {
  std::optional<StoreUrl> url;
  std::string error;
};
ParsedStoreUrl ParseStoreUrl(const std::string& text);

// The URL Spark and Databricks read the folder `relative` under `url` at
// (s3://BUCKET/PREFIX/relative, abfss://CONTAINER@ACCOUNT.dfs.core.windows.net/
// PREFIX/relative); `account` is the storage account of az:// URLs that name
// none. The error text instead for a local path (or an az:// URL without an
// account).
struct CloudLocation {
  std::optional<std::string> url;
  std::string error;
};
CloudLocation CloudUrl(const StoreUrl& url, const std::string& account,
                       const std::string& relative);

// How to reach and sign in to the store. Empty fields fall back to the
// standard environment of each cloud (AWS_* variables, web identity, the
// instance metadata service; AZURE_* variables, managed identity).
struct StoreOptions {
  // S3 and S3-compatible stores.
  std::string aws_region;         // "" → AWS_REGION / AWS_DEFAULT_REGION / us-east-1
  std::string aws_endpoint;       // "" → https://s3.<region>.amazonaws.com
  std::string aws_access_key_id;  // with aws_secret_access_key: static credentials
  std::string aws_secret_access_key;
  std::string aws_session_token;
  bool aws_virtual_hosted = false;  // bucket in the host name instead of the path
  // Azure Blob / ADLS Gen2.
  std::string azure_account;      // for az:// URLs without one (or AZURE_STORAGE_ACCOUNT)
  std::string azure_endpoint;     // "" → https://<account>.blob.core.windows.net
  std::string azure_account_key;  // Shared Key
  std::string azure_sas_token;    // a SAS query string
  std::string azure_tenant_id;    // with client id + secret: service principal
  std::string azure_client_id;
  std::string azure_client_secret;
  bool azure_managed_identity = false;  // sign in with the machine's managed identity
  // Stores that cannot do put-if-absent are refused unless the user says
  // tributary is the only writer of the tables.
  bool single_writer = false;
};

// The store for `url`; checks that it can be reached and signed in to (one
// cheap request) so a wrong credential or a missing bucket is reported
// before anything is written. Throws StoreError naming the URL and the fix.
std::unique_ptr<ObjectStore> OpenObjectStore(const StoreUrl& url, const StoreOptions& options);

}  // namespace tributary
