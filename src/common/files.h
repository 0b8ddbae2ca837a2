// Durable operations on a local file system, the ground the Delta sink
// stands on: put-if-absent publication (a commit either appears whole or not
// at all, and two writers never both win), atomic replacement, fsync of files
// and directories, advisory locks between processes.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace tributary {

// Writes `content` to `path` (created or truncated) and fsyncs it. Throws
// SinkError naming the path.
void WriteFileDurably(const std::filesystem::path& path, std::string_view content);

// Publishes `content` as `target` only if `target` does not exist yet: the
// content goes to a hidden temp file beside it, which is then hard-linked to
// the target (renameat2(RENAME_NOREPLACE) where links are not supported);
// never a plain rename, which would overwrite a concurrent winner. Returns
// false when `target` already exists. Throws SinkError on other failures.
bool PublishIfAbsent(const std::filesystem::path& target, std::string_view content);

// Replaces `target` with `content` atomically (temp file, fsync, rename,
// fsync of the directory): readers see the old or the new file, whole.
void ReplaceFileAtomically(const std::filesystem::path& target, std::string_view content);

// fsyncs an existing file or directory. Throws SinkError.
void SyncPath(const std::filesystem::path& path);

// The whole content of `path`; nullopt when it does not exist. Throws
// SinkError on other failures.
std::optional<std::string> ReadWholeFile(const std::filesystem::path& path);

// A random (version 4) UUID in its 8-4-4-4-12 lower-case text form.
std::string NewUuid();

// An exclusive advisory lock (flock) on a lock file, held until destroyed.
// Locks conflict between processes and between two FileLocks of one process.
class FileLock {
 public:
  // Takes the lock without waiting; nullopt when someone else holds it.
  // Creates the file (and its directory) if needed. Throws SinkError.
  static std::optional<FileLock> TryAcquire(const std::filesystem::path& path);
  // Waits for the lock. Throws SinkError.
  static FileLock Acquire(const std::filesystem::path& path);

  ~FileLock();
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace tributary
