// Object storage as the Delta sink sees it: a flat namespace of keys under
// one root (a local directory, an S3 bucket prefix, an Azure Blob container
// prefix), with the few operations a Delta writer needs — read, list in key
// order, put-if-absent for commits, overwrite for tributary's own records,
// streamed upload of large files, delete. Keys are relative to the root and
// use '/' ("orders/_delta_log/00000000000000000003.json"); no key starts
// with '/' or contains "." or ".." segments.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace tributary {

// A store operation failed for good (after the retries of transient errors).
// The message names the store (its URL, never a credential), the key and,
// where the cause is the user's to fix (credentials, bucket, permission),
// what to do.
class StoreError : public SinkError {
 public:
  using SinkError::SinkError;
};

struct ObjectInfo {
  std::string key;          // relative to the store's root
  int64_t size = 0;         // bytes
  int64_t modified_ms = 0;  // last modification, ms since the Unix epoch (UTC)
};

// Implementations are thread-safe: one store serves the sink's parallel
// tasks. Every call either completes or throws StoreError; transient
// failures (HTTP 5xx, 429, timeouts, dropped connections) are retried with
// back-off inside the call.
class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // The root as the user wrote it ("s3://lake/bronze", "/data/bronze"), for
  // messages.
  virtual std::string Url() const = 0;

  // The whole object; nullopt when it does not exist.
  virtual std::optional<std::string> Get(const std::string& key) = 0;

  // Copies the object into the local file `target` (created or truncated),
  // streaming, with bounded memory; false when the object does not exist.
  virtual bool Download(const std::string& key, const std::filesystem::path& target) = 0;

  // Creates the object only if no object `key` exists yet; false when one
  // does (another writer won). Atomic: readers see the whole content or no
  // object. Used for Delta commits.
  virtual bool PutIfAbsent(const std::string& key, std::string_view content) = 0;

  // Creates or replaces the object atomically (readers see the old or the
  // new content, whole).
  virtual void Put(const std::string& key, std::string_view content) = 0;

  // Uploads the local file `source` as object `key` (created or replaced),
  // streaming with bounded memory (multipart / block upload for large
  // files). The object appears only when the whole file is uploaded.
  virtual void Upload(const std::string& key, const std::filesystem::path& source) = 0;

  // Every object whose key starts with `prefix`, in ascending byte order of
  // keys, recursively (no directory placeholders), and only keys greater than
  // `start_after` when it is not empty.
  virtual std::vector<ObjectInfo> List(const std::string& prefix,
                                       const std::string& start_after = "") = 0;

  // Deletes the object; deleting a missing object is not an error.
  virtual void Delete(const std::string& key) = 0;

  // Whether PutIfAbsent is enforced by the store itself. A store that
  // cannot (an S3-compatible server ignoring If-None-Match) may only be
  // written by a single writer.
  virtual bool HasPutIfAbsent() const { return true; }

  // The local path of `key` when the store is a local directory (so DuckDB
  // reads and writes files in place), nullopt for remote stores.
  virtual std::optional<std::filesystem::path> LocalPath(const std::string& key) const {
    (void)key;
    return std::nullopt;
  }
};

}  // namespace tributary
