#include "engine/ops/launch.hpp"

#include <algorithm>
#include <atomic>
#include <string>

namespace aegan::ops {

vk::Groups grid_1d(uint64_t invocations, uint32_t workgroup_size) {
  const uint64_t groups = (invocations + workgroup_size - 1) / workgroup_size;
  const uint64_t max_x = Runtime::get().device().max_workgroup_count[0];
  const uint64_t x = std::max<uint64_t>(1, std::min(groups, max_x));
  const uint64_t y = (groups + x - 1) / x;
  if (y > Runtime::get().device().max_workgroup_count[1]) {
    throw Error("tensor too large for one dispatch on this device");
  }
  return {static_cast<uint32_t>(x), static_cast<uint32_t>(std::max<uint64_t>(y, 1)), 1};
}

namespace {

// Starts as Settings::texel_reads (a test switch: scripts/test.sh runs the engine tests once with
// it off, to cover the pointer variants on lavapipe).
std::atomic<bool>& texel_reads_allowed() {
  static std::atomic<bool> allowed{Runtime::get().settings().texel_reads};
  return allowed;
}

}  // namespace

bool texel_views_supported(const vk::DeviceInfo& device) {
  return device.push_descriptor && device.uniform_texel_buffers;
}

bool texel_reads_pay_off(const vk::DeviceInfo& device) {
  return device.type == VK_PHYSICAL_DEVICE_TYPE_CPU && texel_views_supported(device);
}

bool texel_reads_wanted() {
  return texel_reads_allowed() && texel_reads_pay_off(Runtime::get().device());
}

bool has_texel_view(const TexelInput& input) {
  const vk::Allocation& allocation = input.tensor->allocation();
  return input.vec4 ? allocation.texels4 != VK_NULL_HANDLE && allocation.offset % 16 == 0
                    : allocation.texels != VK_NULL_HANDLE;
}

uint32_t texel_index(const TexelInput& input) {
  return static_cast<uint32_t>(input.tensor->allocation().offset / (input.vec4 ? 16 : 4));
}

bool whole_vec4s(uint64_t count, std::initializer_list<const Tensor*> tensors) {
  return count % 4 == 0 && std::all_of(tensors.begin(), tensors.end(),
                                       [](const Tensor* t) { return t->address() % 16 == 0; });
}

bool allow_texel_reads(bool allowed) {
  return texel_reads_allowed().exchange(allowed);
}

}  // namespace aegan::ops
