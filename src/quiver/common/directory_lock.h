#pragma once

#include <arrow/result.h>

#include <memory>
#include <string>

namespace quiver {

/// Keeps other processes off a directory for as long as it lives: an exclusive
/// advisory lock (flock) on `<dir>/<file>`, which the kernel drops when the process
/// ends, however it ends, so a crash never leaves a stale lock behind.
class DirectoryLock {
 public:
  /// Takes the lock, or fails with IOError naming the directory and the process (by
  /// pid, as the holder wrote it into the lock file) that holds it.
  static arrow::Result<std::unique_ptr<DirectoryLock>> Acquire(const std::string& dir, const std::string& file);
  ~DirectoryLock();
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;

 private:
  explicit DirectoryLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace quiver
