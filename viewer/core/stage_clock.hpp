#pragma once
#include <vulkan/vulkan.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <vector>

namespace aegan::viewer {

// Milliseconds per stage of one frame, measured on the GPU with timestamp queries written on the
// engine's stream when its queue supports them; otherwise by the host, waiting for the device
// after each stage (which serialises the frame, so only use the numbers as a rough guide).
class StageClock {
 public:
  static constexpr uint32_t kMaxStages = 8;
  // `slots` frames may be in flight, each with its own queries.
  StageClock(uint32_t stages, uint32_t slots);
  ~StageClock();
  StageClock(const StageClock&) = delete;
  StageClock& operator=(const StageClock&) = delete;

  bool gpu() const { return pool_ != VK_NULL_HANDLE; }
  // Marks the start of the frame in `slot`, then the end of each stage in turn.
  void begin(uint32_t slot);
  void mark(uint32_t stage);
  // Reads the slot's times once the device has finished its work (the caller knows when).
  // Returns false while no complete measurement exists.
  bool read(uint32_t slot, std::vector<double>& ms);

  // One more interval per slot, timed in a command buffer of the caller's own that runs on the
  // same queue after the slot's stages (the viewer's copies into the window): only on the GPU.
  void mark_outside(VkCommandBuffer commands, uint32_t slot, bool end);
  bool read_outside(uint32_t slot, double& ms);

 private:
  uint32_t queries_per_slot() const { return stages_ + 3; }
  bool read_ticks(uint32_t first, uint32_t count, uint64_t* ticks);

  uint32_t stages_;
  uint32_t slots_;
  uint32_t slot_ = 0;
  VkQueryPool pool_ = VK_NULL_HANDLE;
  std::vector<bool> written_;
  std::chrono::steady_clock::time_point last_;
  std::vector<std::vector<double>> host_ms_;
};

}  // namespace aegan::viewer
