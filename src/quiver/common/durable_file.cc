#include "quiver/common/durable_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace quiver {

namespace {

namespace fs = std::filesystem;

arrow::Status Errno(const std::string& what, const std::string& path) {
  return arrow::Status::IOError(what, " ", path, ": ", std::strerror(errno));
}

// A name no other writer in this or another process uses at the same moment.
std::string TemporaryNameBeside(const std::string& path) {
  static std::atomic<uint64_t> counter{0};
  fs::path target(path);
  return (target.parent_path() / ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                                  std::to_string(counter.fetch_add(1))))
      .string();
}

arrow::Status WriteAndSync(const std::string& path, const std::string& contents, int mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return Errno("cannot create", path);
  const char* data = contents.data();
  size_t left = contents.size();
  while (left > 0) {
    ssize_t written = ::write(fd, data, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      auto status = Errno("cannot write", path);
      ::close(fd);
      return status;
    }
    data += written;
    left -= static_cast<size_t>(written);
  }
  if (::fsync(fd) != 0) {
    auto status = Errno("cannot sync", path);
    ::close(fd);
    return status;
  }
  if (::close(fd) != 0) return Errno("cannot close", path);
  return arrow::Status::OK();
}

}  // namespace

arrow::Status SyncFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open", path);
  int result = ::fsync(fd);
  auto status = result == 0 ? arrow::Status::OK() : Errno("cannot sync", path);
  ::close(fd);
  return status;
}

arrow::Status SyncDirectory(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open directory", path);
  int result = ::fsync(fd);
  auto status = result == 0 ? arrow::Status::OK() : Errno("cannot sync directory", path);
  ::close(fd);
  return status;
}

arrow::Status WriteFileReplacing(const std::string& path, const std::string& contents, int mode) {
  const std::string temporary = TemporaryNameBeside(path);
  auto status = WriteAndSync(temporary, contents, mode);
  if (status.ok() && ::rename(temporary.c_str(), path.c_str()) != 0) status = Errno("cannot replace", path);
  if (!status.ok()) {
    ::unlink(temporary.c_str());
    return status;
  }
  return SyncDirectory(fs::path(path).parent_path().string());
}

arrow::Status WriteFileExclusive(const std::string& path, const std::string& contents, int mode) {
  const std::string temporary = TemporaryNameBeside(path);
  auto status = WriteAndSync(temporary, contents, mode);
  if (status.ok() && ::link(temporary.c_str(), path.c_str()) != 0) {
    status = errno == EEXIST ? arrow::Status::AlreadyExists(path, " exists") : Errno("cannot create", path);
  }
  ::unlink(temporary.c_str());
  ARROW_RETURN_NOT_OK(status);
  return SyncDirectory(fs::path(path).parent_path().string());
}

arrow::Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return arrow::Status::IOError("cannot read ", path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace quiver
