#include "store/local_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <fstream>

#include "common/files.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;

// Temp files of PublishIfAbsent / ReplaceFileAtomically: ".<name>.<uuid>.tmp".
bool IsTempFile(const fs::path& p) {
  std::string name = p.filename().string();
  return name.size() > 4 && name[0] == '.' && name.compare(name.size() - 4, 4, ".tmp") == 0;
}

int64_t ModifiedMs(const fs::directory_entry& entry) {
  std::error_code ec;
  auto time = entry.last_write_time(ec);
  if (ec) return 0;
  auto system = std::chrono::file_clock::to_sys(time);
  return std::chrono::duration_cast<std::chrono::milliseconds>(system.time_since_epoch()).count();
}

class LocalStore final : public ObjectStore {
 public:
  explicit LocalStore(fs::path root) : root_(std::move(root)) {}

  std::string Url() const override { return root_.string(); }

  std::optional<std::string> Get(const std::string& key) override {
    return ReadWholeFile(Path(key));
  }

  bool Download(const std::string& key, const fs::path& target) override {
    std::error_code ec;
    if (!fs::exists(Path(key), ec)) return false;
    fs::copy_file(Path(key), target, fs::copy_options::overwrite_existing, ec);
    if (ec) Fail("read", key, ec.message());
    return true;
  }

  bool PutIfAbsent(const std::string& key, std::string_view content) override {
    MakeParent(key);
    return PublishIfAbsent(Path(key), content);
  }

  void Put(const std::string& key, std::string_view content) override {
    MakeParent(key);
    ReplaceFileAtomically(Path(key), content);
  }

  void Upload(const std::string& key, const fs::path& source) override {
    MakeParent(key);
    fs::path target = Path(key);
    fs::path temp =
        target.parent_path() / ("." + target.filename().string() + "." + NewUuid() + ".tmp");
    std::error_code ec;
    fs::copy_file(source, temp, fs::copy_options::overwrite_existing, ec);
    if (!ec) {
      SyncPath(temp);
      fs::rename(temp, target, ec);
    }
    if (ec) {
      fs::remove(temp);
      Fail("write", key, ec.message());
    }
    SyncPath(target.parent_path());
  }

  std::vector<ObjectInfo> List(const std::string& prefix, const std::string& start_after) override;

  void Delete(const std::string& key) override {
    std::error_code ec;
    fs::remove(Path(key), ec);
    if (ec) Fail("delete", key, ec.message());
  }

  std::optional<fs::path> LocalPath(const std::string& key) const override { return Path(key); }

 private:
  fs::path Path(const std::string& key) const { return key.empty() ? root_ : root_ / key; }

  void MakeParent(const std::string& key) {
    std::error_code ec;
    fs::create_directories(Path(key).parent_path(), ec);
    if (ec) Fail("create the folder of", key, ec.message());
  }

  [[noreturn]] void Fail(const std::string& what, const std::string& key,
                         const std::string& why) const {
    throw StoreError(fmt::format("cannot {} '{}': {}", what, Path(key).string(), why));
  }

  fs::path root_;
};

std::vector<ObjectInfo> LocalStore::List(const std::string& prefix,
                                         const std::string& start_after) {
  // Walk the deepest folder the prefix names, then filter by the full prefix.
  size_t slash = prefix.rfind('/');
  fs::path dir = slash == std::string::npos ? root_ : root_ / prefix.substr(0, slash);
  std::vector<ObjectInfo> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file(ec) || IsTempFile(it->path())) continue;
    std::string key = it->path().lexically_relative(root_).generic_string();
    if (key.compare(0, prefix.size(), prefix) != 0) continue;
    if (!start_after.empty() && key <= start_after) continue;
    out.push_back(ObjectInfo{key, static_cast<int64_t>(it->file_size(ec)), ModifiedMs(*it)});
  }
  if (ec) Fail("list", prefix, ec.message());
  std::sort(out.begin(), out.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  return out;
}

}  // namespace

std::unique_ptr<ObjectStore> OpenLocalStore(const fs::path& root) {
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) {
    throw StoreError(
        fmt::format("cannot create the sink folder '{}': {}", root.string(), ec.message()));
  }
  return std::make_unique<LocalStore>(root);
}

}  // namespace tributary
