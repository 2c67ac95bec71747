#pragma once
#include <filesystem>
#include <string>

namespace aegan::train {

// An exclusive lock on a run folder, held from construction to destruction, so that two trainers
// never write the same checkpoints. The test is an OS lock (flock) on RUN/.lock, not the file's
// existence: the kernel drops it when the holder exits or crashes, so a stale file never blocks.
// The file names the holder (pid and host) for the message a second trainer gets.
class RunLock {
 public:
  // Creates `folder` when missing; throws Error naming the holder when the folder is locked.
  explicit RunLock(const std::filesystem::path& folder);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

  static std::filesystem::path file(const std::filesystem::path& folder) {
    return folder / ".lock";
  }

 private:
  int fd_ = -1;
};

}  // namespace aegan::train
