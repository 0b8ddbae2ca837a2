#include "sink/delta/delta_connector.h"

#include <fmt/format.h>

#include "common/error.h"
#include "common/files.h"
#include "sink/delta/delta_sink.h"
#include "sink/sink_settings.h"
#include "store/open_store.h"

namespace tributary {
namespace {

bool Flag(const Project& project, const std::string& key) {
  return SinkSetting(project.sink, key, "false") == "true";
}

// Secrets are resolved only here, when the sink opens; they are never shown.
StoreOptions StoreOptionsOf(const Project& project) {
  StoreOptions o;
  o.aws_region = ResolvedSinkSetting(project, "aws_region");
  o.aws_endpoint = ResolvedSinkSetting(project, "aws_endpoint");
  o.aws_access_key_id = ResolvedSinkSetting(project, "aws_access_key_id");
  o.aws_secret_access_key = ResolvedSinkSetting(project, "aws_secret_access_key");
  o.aws_session_token = ResolvedSinkSetting(project, "aws_session_token");
  o.aws_virtual_hosted = Flag(project, "aws_virtual_hosted");
  o.azure_account = ResolvedSinkSetting(project, "azure_account");
  o.azure_endpoint = ResolvedSinkSetting(project, "azure_endpoint");
  o.azure_account_key = ResolvedSinkSetting(project, "azure_account_key");
  o.azure_sas_token = ResolvedSinkSetting(project, "azure_sas_token");
  o.azure_tenant_id = ResolvedSinkSetting(project, "azure_tenant_id");
  o.azure_client_id = ResolvedSinkSetting(project, "azure_client_id");
  o.azure_client_secret = ResolvedSinkSetting(project, "azure_client_secret");
  o.azure_managed_identity = Flag(project, "azure_managed_identity");
  o.single_writer = Flag(project, "single_writer");
  return o;
}

// Credentials that may read but not write would otherwise fail the first
// upload, after the source was read: one small object written and deleted.
void CheckWritable(ObjectStore& store, const StoreUrl& url) {
  std::string key = "_tributary/write-check-" + NewUuid();
  try {
    store.Put(key, "");
    store.Delete(key);
  } catch (const StoreError& e) {
    throw SinkError(fmt::format(
        "the delta sink cannot write to '{}' ({}); give its credentials write and delete "
        "permission on the prefix (S3: s3:PutObject, s3:DeleteObject; Azure: the Storage Blob "
        "Data Contributor role)",
        url.text, e.what()));
  }
}

}  // namespace

std::unique_ptr<ObjectStore> OpenDeltaStore(const Project& project) {
  const SinkConfig& sink = project.sink;
  if (sink.path.empty()) throw SinkError("the delta sink needs a `path` (the root directory)");
  ParsedStoreUrl parsed = ParseStoreUrl(sink.path);
  if (!parsed.url) throw SinkError("the delta sink's path " + parsed.error);
  StoreUrl url = *parsed.url;
  if (url.scheme == StoreScheme::kLocal) url.local = (project.dir / url.local).string();
  StoreOptions options = StoreOptionsOf(project);
  auto store = OpenObjectStore(url, options);
  if (url.scheme != StoreScheme::kLocal) CheckWritable(*store, url);
  if (!store->HasPutIfAbsent() && !options.single_writer) {
    throw SinkError(
        fmt::format("the delta sink's store '{}' cannot refuse a second commit of one version "
                    "(put-if-absent), so two writers could overwrite each other's commits; set "
                    "`single_writer: true` if tributary is the only writer of these tables",
                    url.text));
  }
  return store;
}

SinkCheck CheckDeltaSink(const Project& project) {
  auto store = OpenDeltaStore(project);
  ParsedStoreUrl parsed = ParseStoreUrl(project.sink.path);
  CheckWritable(*store, *parsed.url);
  try {
    (void)store->List("_tributary/");
  } catch (const StoreError& e) {
    throw SinkError(
        fmt::format("the delta sink cannot list '{}': {}", project.sink.path, e.what()));
  }
  return SinkCheck{false, fmt::format("delta store {} is listable and writable (a probe object "
                                      "was written and deleted)",
                                      project.sink.path)};
}

std::unique_ptr<Sink> OpenDeltaSink(const Project& project) {
  const SinkConfig& sink = project.sink;
  DeltaSinkOptions options;
  try {
    options.target_file_bytes = std::stoll(SinkSetting(sink, "target_file_mb", "128")) << 20;
  } catch (const std::exception&) {
    throw SinkError("the delta sink's target_file_mb must be a number of megabytes");
  }
  options.memory_limit = SinkSetting(sink, "memory_limit", options.memory_limit);
  options.timestamp_ntz = SinkSetting(sink, "timestamp_ntz", "false") == "true";
  options.threads = SinkThreads(sink);
  options.table_properties = sink.table_properties;
  return std::make_unique<DeltaSink>(OpenDeltaStore(project), options);
}

}  // namespace tributary
