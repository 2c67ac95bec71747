#include "engine/io/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <string>
#include <system_error>

#include "engine/error.hpp"

namespace aegan::io {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const fs::path& target, const std::string& step, int error) {
  throw Error("cannot write " + target.string() + ": " + step + ": " +
              std::generic_category().message(error));
}

// Unique per process and per call, so concurrent writers of one target never share a temporary.
fs::path temporary_beside(const fs::path& target) {
  static std::atomic<unsigned> counter{0};
  return target.parent_path() / (target.filename().string() + ".tmp-" + std::to_string(::getpid()) +
                                 "-" + std::to_string(counter++));
}

void write_all(int fd, std::span<const std::byte> bytes, const fs::path& target) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      fail(target, "write failed", errno);
    }
    bytes = bytes.subspan(static_cast<size_t>(written));
  }
}

void sync_directory(const fs::path& target) {
  const fs::path directory = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail(target, "cannot open directory " + directory.string() + " to sync it", errno);
  const int result = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  // Some file systems cannot sync directories (EINVAL); the rename is then as durable as it gets.
  if (result != 0 && error != EINVAL) fail(target, "syncing directory failed", error);
}

}  // namespace

void write_file_atomically(const fs::path& path,
                           const std::function<void(const ByteSink&)>& produce) {
  if (!path.has_filename()) throw Error("cannot write " + path.string() + ": not a file name");
  const fs::path temporary = temporary_beside(path);
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) fail(path, "cannot create " + temporary.string(), errno);
  try {
    produce([&](std::span<const std::byte> bytes) { write_all(fd, bytes, path); });
    if (::fsync(fd) != 0) fail(path, "fsync failed", errno);
    const int closed = ::close(fd);
    fd = -1;
    // close can report a deferred write error (e.g. NFS, quota); the data is then not safe.
    if (closed != 0) fail(path, "close failed", errno);
    if (::rename(temporary.c_str(), path.c_str()) != 0) fail(path, "rename failed", errno);
  } catch (...) {
    if (fd >= 0) ::close(fd);
    ::unlink(temporary.c_str());
    throw;
  }
  sync_directory(path);
}

void write_file_atomically(const fs::path& path, std::span<const std::byte> bytes) {
  write_file_atomically(path, [bytes](const ByteSink& sink) { sink(bytes); });
}

}  // namespace aegan::io
