// A fresh directory for one test, removed with everything in it when the
// TempDir goes out of scope.
#pragma once

#include <filesystem>
#include <string>

namespace tributary::testing {

// Move-only. Creates a unique directory under the system temp dir.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "tributary-test");
  ~TempDir();
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&&) = delete;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::filesystem::path& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace tributary::testing
