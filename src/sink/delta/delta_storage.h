// Where a Delta sink's files live: its object store (a local directory, an
// S3 bucket, an Azure container) plus a local scratch folder for the files
// DuckDB reads and writes, which needs local paths. On a local store DuckDB
// works on the table's own files; on a remote one, data files are written
// locally and uploaded, and files to read (data files being merged or
// compacted, checkpoints) are downloaded once and kept while the sink lives —
// both kinds are immutable once named in the log.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "store/object_store.h"

namespace tributary {

// Thread-safe.
class DeltaStorage {
 public:
  // `scratch` is created, and removed with everything in it on destruction.
  DeltaStorage(std::unique_ptr<ObjectStore> store, std::filesystem::path scratch);
  ~DeltaStorage();
  DeltaStorage(const DeltaStorage&) = delete;
  DeltaStorage& operator=(const DeltaStorage&) = delete;

  ObjectStore& store() { return *store_; }
  std::string Url() const { return store_->Url(); }
  bool local() const { return store_->LocalPath("").has_value(); }

  // "<url>/<key>" for messages.
  std::string Where(const std::string& key) const;

  // A local file holding object `key` for DuckDB to read; throws StoreError
  // when the object does not exist.
  std::filesystem::path Readable(const std::string& key);

  // A new, empty local folder for DuckDB to write the files of table
  // `table_key` into: inside the table's folder on a local store (so files
  // move into place by rename), in the scratch folder otherwise.
  std::filesystem::path NewStaging(const std::string& table_key);

  // Makes the staged `file` the object `key` (a rename on a local store, an
  // upload otherwise; the local file is gone afterwards).
  void Publish(const std::filesystem::path& file, const std::string& key);

  // Removes staging folders left in `table_key` by interrupted writes.
  // REQUIRES: no write to the table is in progress (the caller holds its lock).
  void RemoveStaging(const std::string& table_key);

  // The lock file for `kind` `name` (tasks, tables): under the sink's
  // _tributary/locks on a local store; for a remote store, in a folder of
  // this machine named after the store's URL, so runs on one machine exclude
  // each other (runs on several machines are told apart by the commits'
  // put-if-absent only).
  std::filesystem::path LockPath(const std::string& kind, const std::string& name) const;

 private:
  std::unique_ptr<ObjectStore> store_;
  std::filesystem::path scratch_;
  std::filesystem::path lock_dir_;
  std::mutex mutex_;
  std::map<std::string, std::filesystem::path> downloaded_;  // key → local copy
};

// A key under a table: "<table_key>/<relative>".
std::string DeltaKey(const std::string& table_key, const std::string& relative);

}  // namespace tributary
