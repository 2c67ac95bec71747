#include "engine/vk/stream.hpp"

#include <algorithm>
#include <cstring>

#include "engine/vk/check.hpp"

namespace aegan::vk {

Stream::Stream(const Context& context, Pipelines& pipelines, MemoryPool& upload,
               MemoryPool& readback)
    : context_(context), pipelines_(pipelines), upload_(upload), readback_(readback) {
  VkCommandPoolCreateInfo pool_info{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  pool_info.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  pool_info.queueFamilyIndex = context.queue_family();
  VK_CHECK(vkCreateCommandPool(context.device(), &pool_info, nullptr, &pool_));
  for (Slot& slot : slots_) {
    VkCommandBufferAllocateInfo allocate{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    allocate.commandPool = pool_;
    allocate.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    allocate.commandBufferCount = 1;
    VK_CHECK(vkAllocateCommandBuffers(context.device(), &allocate, &slot.commands));
    VkFenceCreateInfo fence_info{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    VK_CHECK(vkCreateFence(context.device(), &fence_info, nullptr, &slot.fence));
  }
  if (context.info().push_descriptor) {
    push_descriptor_set_ = reinterpret_cast<PFN_vkCmdPushDescriptorSetKHR>(
        vkGetDeviceProcAddr(context.device(), "vkCmdPushDescriptorSetKHR"));
  }
}

Stream::~Stream() {
  try {
    finish();
  } catch (...) {
    // Device lost while shutting down: nothing left to save.
  }
  for (const LaterDownload& later : later_)
    readback_.free(later.staging);
  for (Slot& slot : slots_) {
    release_staging(slot);
    vkDestroyFence(context_.device(), slot.fence, nullptr);
  }
  vkDestroyCommandPool(context_.device(), pool_, nullptr);
}

VkCommandBuffer Stream::recording() {
  Slot& slot = slots_[current_];
  if (!recording_) {
    if (wait(slot)) ++slot_waits_;
    VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    VK_CHECK(vkResetCommandBuffer(slot.commands, 0));
    VK_CHECK(vkBeginCommandBuffer(slot.commands, &begin));
    recording_ = true;
    recorded_ = 0;
    bound_ = VK_NULL_HANDLE;
  }
  return slot.commands;
}

static bool overlaps(const Access& a, const Access& b) {
  return a.begin < b.end && b.begin < a.end;
}

void Stream::order(std::span<const Access> accesses) {
  bool hazard = false;
  for (const Access& next : accesses) {
    for (const Access& earlier : since_barrier_) {
      if ((next.write || earlier.write) && overlaps(next, earlier)) {
        hazard = true;
        break;
      }
    }
    if (hazard) break;
  }
  VkCommandBuffer commands = recording();
  if (hazard) {
    // Pipeline barriers order against all earlier commands in submission order, including those
    // of command buffers already submitted, so tracking may span submissions.
    VkMemoryBarrier barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
    barrier.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT |
                            VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
    const VkPipelineStageFlags stages =
        VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;
    vkCmdPipelineBarrier(commands, stages, stages, 0, 1, &barrier, 0, nullptr, 0, nullptr);
    since_barrier_.clear();
    ++barriers_;
  }
  since_barrier_.insert(since_barrier_.end(), accesses.begin(), accesses.end());
}

void Stream::dispatch(VkPipeline pipeline, const void* push, uint32_t push_bytes, Groups groups,
                      std::span<const Access> accesses, std::span<const TexelRead> texels) {
  if (groups.x == 0 || groups.y == 0 || groups.z == 0) return;
  const DeviceInfo& info = context_.info();
  if (groups.x > info.max_workgroup_count[0] || groups.y > info.max_workgroup_count[1] ||
      groups.z > info.max_workgroup_count[2]) {
    throw Error("internal error: dispatch exceeds the device's workgroup count limit");
  }
  if (texels.size() > kTexelBindings || (!texels.empty() && !push_descriptor_set_)) {
    throw Error("internal error: unsupported texel buffer bindings");
  }
  if (texels.empty()) {
    order(accesses);
  } else {
    std::vector<Access> all(accesses.begin(), accesses.end());
    for (const TexelRead& texel : texels) {
      if (!texel.view) throw Error("internal error: a texel buffer binding without a view");
      const VkDeviceAddress block = texel.allocation.address - texel.allocation.offset;
      all.push_back({block, block + texel.allocation.block_size, false});
    }
    order(all);
  }
  VkCommandBuffer commands = recording();
  if (bound_ != pipeline) {
    vkCmdBindPipeline(commands, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
    bound_ = pipeline;
  }
  const VkPipelineLayout layout = texels.empty() ? pipelines_.layout() : pipelines_.texel_layout();
  if (!texels.empty()) {
    std::array<VkWriteDescriptorSet, kTexelBindings> writes{};
    for (uint32_t i = 0; i < texels.size(); ++i) {
      writes[i] = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
      writes[i].dstBinding = i;
      writes[i].descriptorCount = 1;
      writes[i].descriptorType = VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER;
      writes[i].pTexelBufferView = &texels[i].view;
    }
    push_descriptor_set_(commands, VK_PIPELINE_BIND_POINT_COMPUTE, layout, 0,
                         static_cast<uint32_t>(texels.size()), writes.data());
  }
  vkCmdPushConstants(commands, layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, push_bytes, push);
  vkCmdDispatch(commands, groups.x, groups.y, groups.z);
  ++dispatches_;
  count_command();
}

void Stream::record(std::initializer_list<Access> accesses,
                    const std::function<void(VkCommandBuffer)>& commands) {
  order(accesses);
  commands(recording());
  count_command();
}

void Stream::count_command() {
  if (++recorded_ >= kCommandsPerSubmit || slots_[current_].staged_bytes >= kStagingPerSubmit) {
    flush();
  }
}

void Stream::fill(const Allocation& dst, VkDeviceSize offset, VkDeviceSize bytes, uint32_t word) {
  if (bytes == 0) return;
  order({Access::write_of(dst, offset, bytes)});
  vkCmdFillBuffer(recording(), dst.buffer, dst.offset + offset, bytes, word);
  count_command();
}

void Stream::copy(const Allocation& src, VkDeviceSize src_offset, const Allocation& dst,
                  VkDeviceSize dst_offset, VkDeviceSize bytes) {
  if (bytes == 0) return;
  order({Access::read_of(src, src_offset, bytes), Access::write_of(dst, dst_offset, bytes)});
  VkBufferCopy region{src.offset + src_offset, dst.offset + dst_offset, bytes};
  vkCmdCopyBuffer(recording(), src.buffer, dst.buffer, 1, &region);
  count_command();
}

void Stream::upload(const Allocation& dst, VkDeviceSize offset, const void* data,
                    VkDeviceSize bytes) {
  if (bytes == 0) return;
  Allocation staging = upload_.allocate(bytes);
  std::memcpy(staging.mapped, data, bytes);
  order({Access::write_of(dst, offset, bytes)});
  VkBufferCopy region{staging.offset, dst.offset + offset, bytes};
  vkCmdCopyBuffer(recording(), staging.buffer, dst.buffer, 1, &region);
  slots_[current_].staging.emplace_back(&upload_, staging);
  slots_[current_].staged_bytes += bytes;
  count_command();
}

void Stream::download(const Allocation& src, VkDeviceSize offset, void* data, VkDeviceSize bytes) {
  const Readback range{&src, offset, data, bytes};
  download(std::span<const Readback>(&range, 1));
}

void Stream::record_readback(std::span<const Readback> ranges, const Allocation& staging) {
  VkDeviceSize at = 0;
  for (const Readback& range : ranges) {
    if (range.bytes == 0) continue;
    order({Access::read_of(*range.src, range.offset, range.bytes)});
    VkBufferCopy region{range.src->offset + range.offset, staging.offset + at, range.bytes};
    vkCmdCopyBuffer(recording(), range.src->buffer, staging.buffer, 1, &region);
    at += range.bytes;
  }
  VkMemoryBarrier to_host{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  to_host.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
  to_host.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
  vkCmdPipelineBarrier(recording(), VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0,
                       1, &to_host, 0, nullptr, 0, nullptr);
}

namespace {

VkDeviceSize total_bytes(std::span<const Readback> ranges) {
  VkDeviceSize total = 0;
  for (const Readback& range : ranges)
    total += range.bytes;
  return total;
}

// Readback memory is host-coherent (see MemoryPool), so no invalidate is needed.
void copy_out(std::span<const Readback> ranges, const Allocation& staging) {
  VkDeviceSize at = 0;
  for (const Readback& range : ranges) {
    std::memcpy(range.data, static_cast<const char*>(staging.mapped) + at, range.bytes);
    at += range.bytes;
  }
}

}  // namespace

void Stream::download(std::span<const Readback> ranges) {
  const VkDeviceSize total = total_bytes(ranges);
  if (total == 0) return;
  Allocation staging = readback_.allocate(total);
  record_readback(ranges, staging);
  finish();
  copy_out(ranges, staging);
  readback_.free(staging);
}

uint64_t Stream::download_later(std::span<const Readback> ranges) {
  LaterDownload later;
  later.ticket = ++tickets_;
  const VkDeviceSize total = total_bytes(ranges);
  if (total == 0) return later.ticket;
  later.staging = readback_.allocate(total);
  later.ranges.assign(ranges.begin(), ranges.end());
  record_readback(ranges, later.staging);
  later.slot = current_;
  flush();
  later.submission = slots_[later.slot].submission;
  later_.push_back(std::move(later));
  return later_.back().ticket;
}

bool Stream::arrived(uint64_t ticket) {
  const auto later = std::find_if(later_.begin(), later_.end(),
                                  [&](const LaterDownload& d) { return d.ticket == ticket; });
  if (later == later_.end()) return ticket <= tickets_;
  const Slot& slot = slots_[later->slot];
  // A slot that went on to a later submission was waited for before it was reused.
  const bool done = !slot.pending || slot.submission != later->submission ||
                    vkGetFenceStatus(context_.device(), slot.fence) == VK_SUCCESS;
  if (done) deliver(later);
  return done;
}

void Stream::await(uint64_t ticket) {
  const auto later = std::find_if(later_.begin(), later_.end(),
                                  [&](const LaterDownload& d) { return d.ticket == ticket; });
  if (later == later_.end()) return;
  Slot& slot = slots_[later->slot];
  if (slot.pending && slot.submission == later->submission && wait(slot)) ++host_waits_;
  deliver(later);
}

void Stream::deliver(std::vector<LaterDownload>::iterator later) {
  copy_out(later->ranges, later->staging);
  readback_.free(later->staging);
  later_.erase(later);
}

void Stream::flush() {
  if (!recording_) return;
  Slot& slot = slots_[current_];
  VK_CHECK(vkEndCommandBuffer(slot.commands));
  VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &slot.commands;
  VK_CHECK(vkResetFences(context_.device(), 1, &slot.fence));
  VK_CHECK(vkQueueSubmit(context_.queue(), 1, &submit, slot.fence));
  slot.pending = true;
  recording_ = false;
  ++submissions_;
  slot.submission = submissions_;
  current_ = (current_ + 1) % kSlots;
}

void Stream::finish() {
  flush();
  bool waited = false;
  for (Slot& slot : slots_)
    waited = wait(slot) || waited;
  if (waited) ++host_waits_;
  // Everything submitted has completed: no earlier access can conflict with a later one.
  since_barrier_.clear();
}

bool Stream::wait(Slot& slot) {
  if (!slot.pending) return false;
  VK_CHECK(vkWaitForFences(context_.device(), 1, &slot.fence, VK_TRUE, UINT64_MAX));
  slot.pending = false;
  release_staging(slot);
  return true;
}

void Stream::release_staging(Slot& slot) {
  for (auto& [pool, allocation] : slot.staging)
    pool->free(allocation);
  slot.staging.clear();
  slot.staged_bytes = 0;
}

}  // namespace aegan::vk
