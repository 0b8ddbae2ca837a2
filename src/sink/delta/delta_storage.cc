#include "sink/delta/delta_storage.h"

#include <fmt/format.h>

#include "common/fault_point.h"
#include "common/files.h"
#include "sink/delta/delta_journal.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;

constexpr const char* kStagingPrefix = "_tributary_staging-";

}  // namespace

std::string DeltaKey(const std::string& table_key, const std::string& relative) {
  if (table_key.empty()) return relative;
  return table_key + "/" + relative;
}

DeltaStorage::DeltaStorage(std::unique_ptr<ObjectStore> store, fs::path scratch)
    : store_(std::move(store)), scratch_(std::move(scratch)) {
  std::error_code ec;
  fs::create_directories(scratch_, ec);
  if (ec) {
    throw StoreError(
        fmt::format("cannot create the scratch folder '{}': {}", scratch_.string(), ec.message()));
  }
  if (auto root = store_->LocalPath("")) {
    lock_dir_ = *root / "_tributary" / "locks";
  } else {
    lock_dir_ = fs::temp_directory_path() / "tributary-locks" / SafeFileName(store_->Url());
  }
}

DeltaStorage::~DeltaStorage() {
  std::error_code ec;
  fs::remove_all(scratch_, ec);
}

std::string DeltaStorage::Where(const std::string& key) const {
  if (auto path = store_->LocalPath(key)) return path->string();
  std::string url = store_->Url();
  return url + (url.empty() || url.back() == '/' ? "" : "/") + key;
}

fs::path DeltaStorage::Readable(const std::string& key) {
  if (auto path = store_->LocalPath(key)) return *path;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = downloaded_.find(key);
  if (it != downloaded_.end()) return it->second;
  fs::path target = scratch_ / "read" / (NewUuid() + "-" + fs::path(key).filename().string());
  fs::create_directories(target.parent_path());
  if (!store_->Download(key, target)) {
    throw StoreError(fmt::format("'{}' is named in the Delta log but does not exist", Where(key)));
  }
  downloaded_[key] = target;
  return target;
}

fs::path DeltaStorage::NewStaging(const std::string& table_key) {
  std::string name = kStagingPrefix + NewUuid();
  fs::path dir = store_->LocalPath(DeltaKey(table_key, name)).value_or(scratch_ / "write" / name);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    throw StoreError(
        fmt::format("cannot create the staging folder '{}': {}", dir.string(), ec.message()));
  }
  return dir;
}

void DeltaStorage::Publish(const fs::path& file, const std::string& key) {
  if (auto target = store_->LocalPath(key)) {
    std::error_code ec;
    fs::create_directories(target->parent_path(), ec);
    SyncPath(file);
    fs::rename(file, *target, ec);  // a data file with a unique name, not a commit
    if (ec) {
      throw StoreError(fmt::format("cannot move '{}' to '{}': {}", file.string(), target->string(),
                                   ec.message()));
    }
    SyncPath(target->parent_path());
    FaultPoint("delta.after_upload");
    return;
  }
  store_->Upload(key, file);
  std::error_code ec;
  fs::remove(file, ec);
  FaultPoint("delta.after_upload");
}

void DeltaStorage::RemoveStaging(const std::string& table_key) {
  std::error_code ec;
  if (auto dir = store_->LocalPath(table_key)) {
    for (const auto& entry : fs::directory_iterator(*dir, ec)) {
      if (entry.path().filename().string().rfind(kStagingPrefix, 0) == 0) {
        fs::remove_all(entry.path(), ec);
      }
    }
  }
  // Remote stores: staging lives in the scratch folder of the process that
  // wrote it and went with it.
}

fs::path DeltaStorage::LockPath(const std::string& kind, const std::string& name) const {
  return lock_dir_ / (kind + "-" + SafeFileName(name) + ".lock");
}

}  // namespace tributary
