#pragma once
#include <vulkan/vulkan.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "engine/vk/context.hpp"

namespace aegan::vk {

enum class MemoryKind {
  device,    // tensors: device-local where the device has such memory, addressed by pointer
  upload,    // host-visible, coherent staging for host -> device copies
  readback,  // host-visible, cached where possible, for device -> host copies
};

// A suballocated range of one block. `address` is the buffer device address of the first byte
// (device memory only); `mapped` the host pointer of the first byte (staging memory only).
// `texels` and `texels4` are R32_SFLOAT and R32G32B32A32_SFLOAT uniform texel buffer views of the
// whole block (device memory, where the device supports them and the block is within
// maxTexelBufferElements; else null): a kernel reads this range from element offset / 4 or / 16.
struct Allocation {
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceSize offset = 0;
  VkDeviceSize size = 0;
  VkDeviceAddress address = 0;
  void* mapped = nullptr;
  uint32_t block = 0;
  VkDeviceSize block_size = 0;
  VkBufferView texels = VK_NULL_HANDLE;
  VkBufferView texels4 = VK_NULL_HANDLE;
  explicit operator bool() const { return buffer != VK_NULL_HANDLE; }
};

struct MemoryStats {
  uint64_t bytes_in_use = 0;  // live allocations
  uint64_t peak_bytes_in_use = 0;
  uint64_t bytes_reserved = 0;  // blocks held from the driver
  uint64_t blocks = 0;
};

// Large blocks from vkAllocateMemory, each with one VkBuffer over all of it, handed out in
// 256-byte-aligned ranges (best fit, coalescing on free). No Vulkan allocation per tensor.
// Freed ranges are reusable at once: the stream orders every reuse with a barrier.
// Empty blocks go back to the driver only in trim(), which the caller runs when the GPU is idle.
class MemoryPool {
 public:
  MemoryPool(const Context& context, MemoryKind kind);
  ~MemoryPool();
  MemoryPool(const MemoryPool&) = delete;
  MemoryPool& operator=(const MemoryPool&) = delete;

  Allocation allocate(VkDeviceSize bytes);
  void free(const Allocation& allocation);
  // Frees empty blocks; only call when no submitted work uses this pool.
  void trim();
  // Called when the driver is out of memory, before giving up: should wait for the GPU so that
  // trim() may run. Set by the runtime.
  void set_reclaim(std::function<void()> reclaim) { reclaim_ = std::move(reclaim); }

  MemoryStats stats() const;
  // Starts a new peak from the bytes in use now, so that the peak of one piece of work can be read.
  void reset_peak();
  MemoryKind kind() const { return kind_; }

 private:
  struct Block {
    VkDeviceMemory memory = VK_NULL_HANDLE;
    VkBuffer buffer = VK_NULL_HANDLE;
    VkDeviceSize size = 0;
    VkDeviceAddress address = 0;
    void* mapped = nullptr;
    VkBufferView texels = VK_NULL_HANDLE;
    VkBufferView texels4 = VK_NULL_HANDLE;
    std::map<VkDeviceSize, VkDeviceSize> free_ranges;  // offset -> size
    VkDeviceSize used = 0;
  };

  bool create_block(VkDeviceSize bytes);
  void destroy_block(Block& block);
  uint32_t choose_memory_type(uint32_t type_bits) const;
  bool texel_views() const;
  VkBufferView create_view(const Block& block, VkFormat format, VkDeviceSize texel_bytes) const;

  const Context& context_;
  MemoryKind kind_;
  VkDeviceSize block_size_;
  std::vector<std::unique_ptr<Block>> blocks_;  // null where a block was trimmed
  std::function<void()> reclaim_;
  mutable std::mutex mutex_;
  MemoryStats stats_;
};

}  // namespace aegan::vk
