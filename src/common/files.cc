#include "common/files.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/fs.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <utility>

#include "common/error.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void Fail(std::string_view what, const fs::path& path) {
  throw SinkError(fmt::format("cannot {} '{}': {}", what, path.string(), std::strerror(errno)));
}

// Owns a file descriptor.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

void WriteAll(int fd, std::string_view content, const fs::path& path) {
  while (!content.empty()) {
    ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) Fail("write", path);
    content.remove_prefix(static_cast<size_t>(n));
  }
}

fs::path TempBeside(const fs::path& target) {
  return target.parent_path() / ("." + target.filename().string() + "." + NewUuid() + ".tmp");
}

void SyncParent(const fs::path& path) {
  SyncPath(path.has_parent_path() ? path.parent_path() : fs::path("."));
}

// link() fails with these where the file system has no hard links.
bool LinksUnsupported(int error) {
  return error == EPERM || error == EOPNOTSUPP || error == ENOSYS || error == EXDEV;
}

bool RenameNoReplace(const fs::path& from, const fs::path& to) {
  long rc =
      ::syscall(SYS_renameat2, AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE);
  if (rc == 0) return true;
  if (errno == EEXIST) return false;
  Fail("publish", to);
}

}  // namespace

void WriteFileDurably(const fs::path& path, std::string_view content) {
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (fd.get() < 0) Fail("create", path);
  WriteAll(fd.get(), content, path);
  if (::fsync(fd.get()) != 0) Fail("fsync", path);
}

bool PublishIfAbsent(const fs::path& target, std::string_view content) {
  fs::path temp = TempBeside(target);
  WriteFileDurably(temp, content);
  bool published = true;
  if (::link(temp.c_str(), target.c_str()) != 0) {
    int error = errno;
    if (error == EEXIST) {
      published = false;
    } else if (LinksUnsupported(error)) {
      published = RenameNoReplace(temp, target);
    } else {
      ::unlink(temp.c_str());
      errno = error;
      Fail("publish", target);
    }
  }
  ::unlink(temp.c_str());
  if (published) SyncParent(target);
  return published;
}

void ReplaceFileAtomically(const fs::path& target, std::string_view content) {
  fs::path temp = TempBeside(target);
  WriteFileDurably(temp, content);
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    int error = errno;
    ::unlink(temp.c_str());
    errno = error;
    Fail("replace", target);
  }
  SyncParent(target);
}

void SyncPath(const fs::path& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) Fail("open", path);
  if (::fsync(fd.get()) != 0 && errno != EINVAL) Fail("fsync", path);
}

std::optional<std::string> ReadWholeFile(const fs::path& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::nullopt;
    Fail("open", path);
  }
  std::string content;
  char buffer[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) Fail("read", path);
    if (n == 0) break;
    content.append(buffer, static_cast<size_t>(n));
  }
  return content;
}

std::string NewUuid() {
  thread_local std::mt19937_64 random(std::random_device{}());
  uint64_t high = random();
  uint64_t low = random();
  high = (high & ~uint64_t{0xF000}) | 0x4000;                    // version 4
  low = (low & ~(uint64_t{0xC} << 60)) | (uint64_t{0x8} << 60);  // RFC 4122 variant
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", high >> 32, (high >> 16) & 0xFFFF,
                     high & 0xFFFF, low >> 48, low & 0xFFFFFFFFFFFF);
}

std::optional<FileLock> FileLock::TryAcquire(const fs::path& path) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) Fail("open lock file", path);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int error = errno;
    ::close(fd);
    if (error == EWOULDBLOCK) return std::nullopt;
    errno = error;
    Fail("lock", path);
  }
  return FileLock(fd);
}

FileLock FileLock::Acquire(const fs::path& path) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) Fail("open lock file", path);
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    int error = errno;
    ::close(fd);
    errno = error;
    Fail("lock", path);
  }
  return FileLock(fd);
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

FileLock::FileLock(FileLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

}  // namespace tributary
