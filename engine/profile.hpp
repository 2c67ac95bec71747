#pragma once
#include <chrono>

#include "engine/vk/shader.hpp"

namespace aegan {

// Per-kernel device time for finding slow spots, on when AEGAN_VK_PROFILE=1: every dispatch waits
// for the device before and after it, so each kernel is timed alone (the whole run gets slower).
// The table (total ms, calls, share) goes to stderr when the program exits.
class KernelProfile {
 public:
  // Null unless profiling is on.
  static KernelProfile* active();
  void add(const vk::ShaderCode& kernel, std::chrono::steady_clock::duration elapsed);
};

}  // namespace aegan
