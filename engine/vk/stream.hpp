#pragma once
#include <vulkan/vulkan.h>

#include <array>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <span>
#include <utility>
#include <vector>

#include "engine/vk/context.hpp"
#include "engine/vk/memory.hpp"
#include "engine/vk/pipelines.hpp"

namespace aegan::vk {

// A byte range of device memory, by device address, that a command reads or writes.
struct Access {
  VkDeviceAddress begin = 0;
  VkDeviceAddress end = 0;
  bool write = false;
  static Access read_of(const Allocation& a, VkDeviceSize offset, VkDeviceSize bytes) {
    return {a.address + offset, a.address + offset + bytes, false};
  }
  static Access write_of(const Allocation& a, VkDeviceSize offset, VkDeviceSize bytes) {
    return {a.address + offset, a.address + offset + bytes, true};
  }
};

// A uniform texel buffer view a dispatch binds (binding i = i-th entry): one of `allocation`'s
// block views. Validation counts the binding as a read of the whole view, so the stream orders
// it as a read of the whole block.
struct TexelRead {
  VkBufferView view = VK_NULL_HANDLE;
  Allocation allocation;
};

// One range of a download: `bytes` of `src` from `offset` into host memory at `data`.
struct Readback {
  const Allocation* src = nullptr;
  VkDeviceSize offset = 0;
  void* data = nullptr;
  VkDeviceSize bytes = 0;
};

struct Groups {
  uint32_t x = 1, y = 1, z = 1;
};

// Records work into command buffers and submits them in batches: an op appends a dispatch and
// returns; the host waits only when it needs a result (download) or calls finish().
// A barrier is inserted before a command only when it touches memory that an earlier command
// since the last barrier wrote (or writes memory such a command read), so independent dispatches
// may overlap and every reuse of freed memory is ordered after its last use.
class Stream {
 public:
  Stream(const Context& context, Pipelines& pipelines, MemoryPool& upload, MemoryPool& readback);
  ~Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  // `texels`: for a pipeline made with Pipelines::get(..., texels = true).
  void dispatch(VkPipeline pipeline, const void* push, uint32_t push_bytes, Groups groups,
                std::span<const Access> accesses, std::span<const TexelRead> texels = {});
  void dispatch(VkPipeline pipeline, const void* push, uint32_t push_bytes, Groups groups,
                std::initializer_list<Access> accesses, std::span<const TexelRead> texels = {}) {
    dispatch(pipeline, push, push_bytes, groups,
             std::span<const Access>(accesses.begin(), accesses.size()), texels);
  }
  void fill(const Allocation& dst, VkDeviceSize offset, VkDeviceSize bytes, uint32_t word);
  void copy(const Allocation& src, VkDeviceSize src_offset, const Allocation& dst,
            VkDeviceSize dst_offset, VkDeviceSize bytes);
  void upload(const Allocation& dst, VkDeviceSize offset, const void* data, VkDeviceSize bytes);
  // Copies device memory to the host; waits for all work recorded so far.
  void download(const Allocation& src, VkDeviceSize offset, void* data, VkDeviceSize bytes);
  // The same for several ranges, with one wait for all of them.
  void download(std::span<const Readback> ranges);
  // Starts copying the ranges to the host without waiting: their copies are submitted now, after
  // everything recorded so far, and the data arrives in their `data` by the time arrived() says
  // so or await() returns (the memory must stay valid until then). Returns the download's ticket.
  uint64_t download_later(std::span<const Readback> ranges);
  // Whether the download of `ticket` has reached its memory; never waits for the device.
  bool arrived(uint64_t ticket);
  // Waits until the download of `ticket` has reached its memory.
  void await(uint64_t ticket);

  // Records commands of another user of the device (the viewer's timestamp queries) in order with
  // the engine's own, after the barrier a command touching `accesses` would get. The commands must
  // not bind compute pipelines or push constants behind the stream's back.
  void record(std::initializer_list<Access> accesses,
              const std::function<void(VkCommandBuffer)>& commands);

  void flush();   // submits what is recorded; does not wait
  void finish();  // submits and waits until the device is idle

  uint64_t submissions() const { return submissions_; }
  uint64_t dispatches() const { return dispatches_; }
  uint64_t barriers() const { return barriers_; }
  // Times the host waited for the device to finish all work submitted (finish() and downloads
  // with work outstanding), and times recording waited for a command buffer still in flight to
  // come back (the device is kSlots batches behind). Both only ever grow.
  uint64_t host_waits() const { return host_waits_; }
  uint64_t slot_waits() const { return slot_waits_; }

 private:
  struct Slot {
    VkCommandBuffer commands = VK_NULL_HANDLE;
    VkFence fence = VK_NULL_HANDLE;
    bool pending = false;
    std::vector<std::pair<MemoryPool*, Allocation>> staging;  // freed when the fence signals
    VkDeviceSize staged_bytes = 0;
    uint64_t submission = 0;  // the number of its latest submission
  };
  // A download_later() on its way: its copies went in `submission` on `slot`.
  struct LaterDownload {
    uint64_t ticket = 0;
    size_t slot = 0;
    uint64_t submission = 0;
    Allocation staging;
    std::vector<Readback> ranges;
  };
  static constexpr size_t kSlots = 3;
  static constexpr uint32_t kCommandsPerSubmit = 256;
  // Uploads are submitted in batches of at most this much so that their staging memory returns
  // to the pool while the rest are recorded (initialising a large model uploads hundreds of MiB).
  static constexpr VkDeviceSize kStagingPerSubmit = VkDeviceSize{64} << 20;

  VkCommandBuffer recording();
  void order(std::span<const Access> accesses);
  void order(std::initializer_list<Access> accesses) {
    order(std::span<const Access>(accesses.begin(), accesses.size()));
  }
  // Whether the host had to wait: false when the slot had nothing in flight.
  bool wait(Slot& slot);
  void release_staging(Slot& slot);
  // Counts a recorded command and submits when the batch is full.
  void count_command();
  // Records the copies of `ranges` into `staging` and the barrier that makes them host-visible.
  void record_readback(std::span<const Readback> ranges, const Allocation& staging);
  // Copies a finished download_later() from its staging memory to the host and frees it.
  void deliver(std::vector<LaterDownload>::iterator later);

  const Context& context_;
  Pipelines& pipelines_;
  MemoryPool& upload_;
  MemoryPool& readback_;
  VkCommandPool pool_ = VK_NULL_HANDLE;
  std::array<Slot, kSlots> slots_;
  size_t current_ = 0;
  bool recording_ = false;
  uint32_t recorded_ = 0;
  std::vector<Access> since_barrier_;
  VkPipeline bound_ = VK_NULL_HANDLE;
  PFN_vkCmdPushDescriptorSetKHR push_descriptor_set_ = nullptr;
  uint64_t submissions_ = 0;
  uint64_t dispatches_ = 0;
  uint64_t barriers_ = 0;
  uint64_t host_waits_ = 0;
  uint64_t slot_waits_ = 0;
  std::vector<LaterDownload> later_;
  uint64_t tickets_ = 0;
};

}  // namespace aegan::vk
