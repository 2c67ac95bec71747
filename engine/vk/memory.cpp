#include "engine/vk/memory.hpp"

#include <algorithm>
#include <string>

#include "engine/vk/check.hpp"

namespace aegan::vk {
namespace {

constexpr VkDeviceSize kAlignment = 256;
constexpr VkDeviceSize kDeviceBlockBytes = 64ull << 20;
constexpr VkDeviceSize kStagingBlockBytes = 16ull << 20;

VkDeviceSize align_up(VkDeviceSize value, VkDeviceSize alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

std::string mib(uint64_t bytes) {
  return std::to_string((bytes + (1 << 19)) >> 20) + " MiB";
}

}  // namespace

MemoryPool::MemoryPool(const Context& context, MemoryKind kind)
    : context_(context),
      kind_(kind),
      block_size_(kind == MemoryKind::device ? kDeviceBlockBytes : kStagingBlockBytes) {
  if (context.info().max_memory_allocation_bytes) {
    block_size_ = std::min(block_size_, context.info().max_memory_allocation_bytes);
  }
}

MemoryPool::~MemoryPool() {
  for (auto& block : blocks_) {
    if (block) destroy_block(*block);
  }
}

uint32_t MemoryPool::choose_memory_type(uint32_t type_bits) const {
  VkPhysicalDeviceMemoryProperties memory;
  vkGetPhysicalDeviceMemoryProperties(context_.physical_device(), &memory);
  // Preference lists, best first. No assumption that any memory is both device-local and
  // host-visible: staging falls back to plain host-visible memory.
  std::vector<VkMemoryPropertyFlags> wanted;
  constexpr auto kHost = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  switch (kind_) {
    case MemoryKind::device:
      wanted = {VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, 0};
      break;
    case MemoryKind::upload:
      wanted = {kHost};
      break;
    case MemoryKind::readback:
      wanted = {kHost | VK_MEMORY_PROPERTY_HOST_CACHED_BIT, kHost};
      break;
  }
  for (VkMemoryPropertyFlags flags : wanted) {
    for (uint32_t i = 0; i < memory.memoryTypeCount; ++i) {
      if ((type_bits & (1u << i)) && (memory.memoryTypes[i].propertyFlags & flags) == flags) {
        return i;
      }
    }
  }
  throw Error("the Vulkan device has no suitable memory type for " +
              std::string(kind_ == MemoryKind::device ? "tensors" : "staging buffers"));
}

// Texel views only serve kernels that bind them with push descriptors.
bool MemoryPool::texel_views() const {
  const DeviceInfo& info = context_.info();
  return kind_ == MemoryKind::device && info.uniform_texel_buffers && info.push_descriptor;
}

VkBufferView MemoryPool::create_view(const Block& block, VkFormat format,
                                     VkDeviceSize texel_bytes) const {
  if (block.size / texel_bytes > context_.info().max_texel_buffer_elements) return VK_NULL_HANDLE;
  VkBufferViewCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO};
  info.buffer = block.buffer;
  info.format = format;
  info.range = block.size / texel_bytes * texel_bytes;
  VkBufferView view = VK_NULL_HANDLE;
  VK_CHECK(vkCreateBufferView(context_.device(), &info, nullptr, &view));
  return view;
}

bool MemoryPool::create_block(VkDeviceSize bytes) {
  auto block = std::make_unique<Block>();
  block->size = bytes;
  VkBufferCreateInfo buffer_info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  buffer_info.size = bytes;
  buffer_info.usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
  if (kind_ == MemoryKind::device) {
    buffer_info.usage |=
        VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_SHADER_DEVICE_ADDRESS_BIT;
  }
  if (texel_views()) buffer_info.usage |= VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT;
  buffer_info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  VK_CHECK(vkCreateBuffer(context_.device(), &buffer_info, nullptr, &block->buffer));

  VkMemoryRequirements requirements;
  vkGetBufferMemoryRequirements(context_.device(), block->buffer, &requirements);
  VkMemoryAllocateFlagsInfo flags{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_FLAGS_INFO};
  flags.flags = VK_MEMORY_ALLOCATE_DEVICE_ADDRESS_BIT;
  VkMemoryAllocateInfo allocate{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  allocate.pNext = kind_ == MemoryKind::device ? &flags : nullptr;
  allocate.allocationSize = requirements.size;
  allocate.memoryTypeIndex = choose_memory_type(requirements.memoryTypeBits);
  VkResult result = vkAllocateMemory(context_.device(), &allocate, nullptr, &block->memory);
  if (result == VK_ERROR_OUT_OF_DEVICE_MEMORY || result == VK_ERROR_OUT_OF_HOST_MEMORY) {
    vkDestroyBuffer(context_.device(), block->buffer, nullptr);
    return false;
  }
  VK_CHECK(result);
  VK_CHECK(vkBindBufferMemory(context_.device(), block->buffer, block->memory, 0));
  if (kind_ == MemoryKind::device) {
    VkBufferDeviceAddressInfo address{VK_STRUCTURE_TYPE_BUFFER_DEVICE_ADDRESS_INFO};
    address.buffer = block->buffer;
    block->address = vkGetBufferDeviceAddress(context_.device(), &address);
    if (texel_views()) {
      block->texels = create_view(*block, VK_FORMAT_R32_SFLOAT, 4);
      block->texels4 = create_view(*block, VK_FORMAT_R32G32B32A32_SFLOAT, 16);
    }
  } else {
    VK_CHECK(vkMapMemory(context_.device(), block->memory, 0, VK_WHOLE_SIZE, 0, &block->mapped));
  }
  block->free_ranges[0] = bytes;
  stats_.bytes_reserved += bytes;
  stats_.blocks += 1;
  auto empty = std::find(blocks_.begin(), blocks_.end(), nullptr);
  if (empty != blocks_.end()) {
    *empty = std::move(block);
  } else {
    blocks_.push_back(std::move(block));
  }
  return true;
}

void MemoryPool::destroy_block(Block& block) {
  if (block.mapped) vkUnmapMemory(context_.device(), block.memory);
  vkDestroyBufferView(context_.device(), block.texels, nullptr);
  vkDestroyBufferView(context_.device(), block.texels4, nullptr);
  vkDestroyBuffer(context_.device(), block.buffer, nullptr);
  vkFreeMemory(context_.device(), block.memory, nullptr);
  stats_.bytes_reserved -= block.size;
  stats_.blocks -= 1;
}

Allocation MemoryPool::allocate(VkDeviceSize bytes) {
  std::unique_lock lock(mutex_);
  const VkDeviceSize size = align_up(std::max<VkDeviceSize>(bytes, 1), kAlignment);
  const uint64_t limit = context_.info().max_memory_allocation_bytes;
  if (limit && size > limit) {
    throw Error("a tensor of " + mib(size) + " exceeds the device's largest allocation (" +
                mib(limit) + ")");
  }
  for (int attempt = 0; attempt < 3; ++attempt) {
    // Best fit over every free range of every block keeps large blocks for large tensors.
    Block* best_block = nullptr;
    uint32_t best_index = 0;
    std::map<VkDeviceSize, VkDeviceSize>::iterator best_range;
    for (uint32_t i = 0; i < blocks_.size(); ++i) {
      Block* block = blocks_[i].get();
      if (!block) continue;
      for (auto it = block->free_ranges.begin(); it != block->free_ranges.end(); ++it) {
        if (it->second >= size && (!best_block || it->second < best_range->second)) {
          best_block = block;
          best_index = i;
          best_range = it;
        }
      }
    }
    if (best_block) {
      const VkDeviceSize offset = best_range->first;
      const VkDeviceSize remaining = best_range->second - size;
      best_block->free_ranges.erase(best_range);
      if (remaining) best_block->free_ranges[offset + size] = remaining;
      best_block->used += size;
      stats_.bytes_in_use += size;
      stats_.peak_bytes_in_use = std::max(stats_.peak_bytes_in_use, stats_.bytes_in_use);
      Allocation a;
      a.buffer = best_block->buffer;
      a.offset = offset;
      a.size = size;
      a.address = best_block->address ? best_block->address + offset : 0;
      a.mapped = best_block->mapped ? static_cast<char*>(best_block->mapped) + offset : nullptr;
      a.block = best_index;
      a.block_size = best_block->size;
      a.texels = best_block->texels;
      a.texels4 = best_block->texels4;
      return a;
    }
    if (attempt == 0 && create_block(std::max(block_size_, align_up(size, 1ull << 20)))) continue;
    if (attempt == 1 && reclaim_) {
      // Out of memory: wait for the GPU, give empty blocks back, and try once more.
      lock.unlock();
      reclaim_();
      trim();
      lock.lock();
      if (create_block(std::max(block_size_, align_up(size, 1ull << 20)))) continue;
    }
  }
  throw Error("out of GPU memory: could not allocate " + mib(size) + " with " +
              mib(stats_.bytes_in_use) + " in use; try a smaller --batch or preset");
}

void MemoryPool::free(const Allocation& allocation) {
  if (!allocation) return;
  std::lock_guard lock(mutex_);
  Block& block = *blocks_.at(allocation.block);
  auto [it, inserted] = block.free_ranges.emplace(allocation.offset, allocation.size);
  if (!inserted) throw Error("internal error: memory range freed twice");
  auto next = std::next(it);
  if (next != block.free_ranges.end() && it->first + it->second == next->first) {
    it->second += next->second;
    block.free_ranges.erase(next);
  }
  if (it != block.free_ranges.begin()) {
    auto previous = std::prev(it);
    if (previous->first + previous->second == it->first) {
      previous->second += it->second;
      block.free_ranges.erase(it);
    }
  }
  block.used -= allocation.size;
  stats_.bytes_in_use -= allocation.size;
}

void MemoryPool::trim() {
  std::lock_guard lock(mutex_);
  for (auto& block : blocks_) {
    if (block && block->used == 0) {
      destroy_block(*block);
      block.reset();
    }
  }
}

MemoryStats MemoryPool::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void MemoryPool::reset_peak() {
  std::lock_guard lock(mutex_);
  stats_.peak_bytes_in_use = stats_.bytes_in_use;
}

}  // namespace aegan::vk
