#pragma once
// The convolution autotuner: times every candidate kernel of a pass once per problem shape and
// keeps the fastest per device and driver in a small JSON file in the cache directory, which later
// runs on that device read. Measuring is off unless asked for (AEGAN_VK_CONV_TUNE=1 or
// set_measuring(true), as `aegan-vk bench train --tune` does); without a recorded choice the
// kernel tables' own rules decide.
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "engine/ops/conv_kernels.hpp"

namespace aegan::ops::conv {

// What identifies a problem's shape for the choice (batch size included).
std::string tuning_key(const DataProblem& problem);
std::string tuning_key(const WeightProblem& problem);

class Tuning {
 public:
  // Choices kept in `file` (read now). A missing or unreadable file starts empty, with a warning
  // on stderr for an unreadable one, and so does one whose choices were made among another set
  // of kernels (an older build's: a kernel added since would never be chosen), with a note.
  explicit Tuning(std::filesystem::path file);
  // The device's tuning, in Settings::cache_dir, created on first use.
  static Tuning& active();

  std::optional<std::string> choice(const std::string& key) const;
  const std::map<std::string, std::string>& choices() const { return choices_; }
  // While measuring: whether `key` still needs timing in this process (each shape is timed
  // again once per run, so a new driver or kernel gets a fresh choice).
  bool needs_measuring(const std::string& key) const {
    return measuring_ && !measured_.contains(key);
  }
  // Keeps the choice (measured in this process) and rewrites the file atomically.
  void record(const std::string& key, const std::string& kernel);

  bool measuring() const { return measuring_; }
  void set_measuring(bool on) { measuring_ = on; }
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  std::map<std::string, std::string> choices_;
  std::set<std::string> measured_;
  bool measuring_ = false;
};

}  // namespace aegan::ops::conv
