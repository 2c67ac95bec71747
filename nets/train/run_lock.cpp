#include "nets/train/run_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "engine/error.hpp"

namespace aegan::train {
namespace {

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "";
  return name;
}

// "pid 1234", with " on HOST" when the holder runs elsewhere (a run folder on a shared disk).
std::string describe_holder(int fd) {
  std::string text(512, '\0');
  const ssize_t got = pread(fd, text.data(), text.size(), 0);
  text.resize(got > 0 ? static_cast<size_t>(got) : 0);
  std::istringstream in(text);
  std::string pid, host;
  if (!(in >> pid)) return "";
  in >> host;
  std::string holder = "pid " + pid;
  if (!host.empty() && host != host_name()) holder += " on " + host;
  return holder;
}

}  // namespace

RunLock::RunLock(const std::filesystem::path& folder) {
  std::filesystem::create_directories(folder);
  const std::string path = file(folder).string();
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error("cannot open " + path + ": " + std::strerror(errno));
  if (flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    const std::string holder = error == EWOULDBLOCK ? describe_holder(fd_) : "";
    ::close(fd_);
    if (error != EWOULDBLOCK) throw Error("cannot lock " + path + ": " + std::strerror(error));
    throw Error(folder.string() + " is in use by aegan-vk train" +
                (holder.empty() ? "" : " (" + holder + ")") +
                "; wait for it to finish or stop it first");
  }
  const std::string holder = std::to_string(getpid()) + " " + host_name() + "\n";
  if (ftruncate(fd_, 0) != 0 ||
      pwrite(fd_, holder.data(), holder.size(), 0) != static_cast<ssize_t>(holder.size())) {
    const int error = errno;
    ::close(fd_);
    throw Error("cannot write " + path + ": " + std::strerror(error));
  }
}

RunLock::~RunLock() {
  // Emptied while still held, so the file never names a finished process. Not removed: a trainer
  // that opened it a moment before would then lock a file that the next one no longer sees.
  [[maybe_unused]] const int emptied = ftruncate(fd_, 0);
  ::close(fd_);
}

}  // namespace aegan::train
