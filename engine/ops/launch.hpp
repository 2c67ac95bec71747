#pragma once
#include <array>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "engine/error.hpp"
#include "engine/profile.hpp"
#include "engine/runtime.hpp"
#include "engine/tensor.hpp"
#include "engine/vk/shader.hpp"

namespace aegan::ops {

// `items` (plain structs of 32- and 64-bit fields) as the floats of a tensor, for a kernel to read
// as a table through its address.
template <class Item>
std::vector<float> table_words(const std::vector<Item>& items) {
  static_assert(sizeof(Item) % 4 == 0 && std::is_trivially_copyable_v<Item>);
  std::vector<float> words(items.size() * sizeof(Item) / 4);
  std::memcpy(words.data(), items.data(), words.size() * 4);
  return words;
}

// Workgroups covering `invocations` one-dimensional invocations of `workgroup_size`, spread over
// x and y when x alone would pass the device's maxComputeWorkGroupCount (see flat_index()).
vk::Groups grid_1d(uint64_t invocations, uint32_t workgroup_size);

// Calls `record` (which records one dispatch of `shader`), alone on the device when profiling.
template <class Record>
void profiled(const vk::ShaderCode& shader, Record&& record) {
  KernelProfile* profile = KernelProfile::active();
  if (!profile) {
    record();
    return;
  }
  vk::Stream& stream = Runtime::get().stream();
  stream.finish();
  const auto start = std::chrono::steady_clock::now();
  record();
  stream.finish();
  profile->add(shader, std::chrono::steady_clock::now() - start);
}

// Records one dispatch of `shader`. Specialization constant 0 is the workgroup size; `push` is
// the kernel's push-constant block (device addresses first, then 32-bit values, matching the
// GLSL scalar layout); `accesses` lists every tensor range it reads or writes.
template <class Push>
void launch(const vk::ShaderCode& shader, std::initializer_list<uint32_t> specialization,
            vk::Groups groups, const Push& push, std::span<const vk::Access> accesses) {
  static_assert(sizeof(Push) <= vk::kPushConstantBytes, "push constants exceed 128 bytes");
  Runtime& runtime = Runtime::get();
  const std::vector<uint32_t> spec(specialization);
  VkPipeline pipeline = runtime.pipelines().get(shader, spec);
  profiled(shader,
           [&] { runtime.stream().dispatch(pipeline, &push, sizeof(Push), groups, accesses); });
}

template <class Push>
void launch(const vk::ShaderCode& shader, std::initializer_list<uint32_t> specialization,
            vk::Groups groups, const Push& push, std::initializer_list<vk::Access> accesses) {
  launch(shader, specialization, groups, push,
         std::span<const vk::Access>(accesses.begin(), accesses.size()));
}

// As launch(), for a kernel that also reads through uniform texel buffers: `texels[i]` is bound
// to set 0, binding i (needs DeviceInfo::push_descriptor and non-null views).
template <class Push>
void launch_texels(const vk::ShaderCode& shader, std::initializer_list<uint32_t> specialization,
                   vk::Groups groups, const Push& push, std::initializer_list<vk::Access> accesses,
                   std::span<const vk::TexelRead> texels) {
  static_assert(sizeof(Push) <= vk::kPushConstantBytes, "push constants exceed 128 bytes");
  Runtime& runtime = Runtime::get();
  const std::vector<uint32_t> spec(specialization);
  VkPipeline pipeline = runtime.pipelines().get(shader, spec, true);
  profiled(shader, [&] {
    runtime.stream().dispatch(pipeline, &push, sizeof(Push), groups, accesses, texels);
  });
}

template <class Push>
void launch_texels(const vk::ShaderCode& shader, std::initializer_list<uint32_t> specialization,
                   vk::Groups groups, const Push& push, std::initializer_list<vk::Access> accesses,
                   std::initializer_list<vk::TexelRead> texels) {
  launch_texels(shader, specialization, groups, push, accesses,
                std::span<const vk::TexelRead>(texels.begin(), texels.size()));
}

// Whether the device can bind texel views at all (push descriptors, uniform texel buffers).
bool texel_views_supported(const vk::DeviceInfo& device);
// Devices where reading through texel views was measured faster than through pointers: CPU
// devices (llvmpipe loads through pointers lane by lane). On GPUs texel reads are unmeasured so
// far, and tracking them as reads of whole blocks costs overlap there.
bool texel_reads_pay_off(const vk::DeviceInfo& device);
// Where they pay off and are allowed (allow_texel_reads()), kernels with a texel twin use it.
bool texel_reads_wanted();
// Starts as Settings::texel_reads (AEGAN_VK_TEXEL_READS); off makes every kernel read through
// pointers. Returns the setting before.
bool allow_texel_reads(bool allowed);

// An input of a kernel with a texel twin, read through its block's R32F view or, with `vec4`,
// its RGBA32F view (the input must then start 16-byte aligned).
struct TexelInput {
  const Tensor* tensor;
  bool vec4 = false;
};
bool has_texel_view(const TexelInput& input);
// The input's first element (or vec4) in its view.
uint32_t texel_index(const TexelInput& input);

// Whether runs of `count` elements (a whole tensor, a plane or a row) come as whole vec4s of
// 16-byte aligned tensors: then kernels with a QUADS specialization do four elements at a time.
bool whole_vec4s(uint64_t count, std::initializer_list<const Tensor*> tensors);

// As launch(), for a kernel that may have a texel twin (ShaderCode::texel, see
// shaders/common.glsl): where texel reads are wanted and every input has its view, the twin runs,
// reading `inputs[i]` through binding i; the input's pointer field in `push` then carries its
// element offset in the view instead of its address.
template <class Push>
void launch_reading(const vk::ShaderCode& kernel, std::initializer_list<uint32_t> specialization,
                    vk::Groups groups, Push push,
                    std::initializer_list<std::pair<VkDeviceAddress Push::*, TexelInput>> inputs,
                    std::initializer_list<vk::Access> accesses) {
  static_assert(sizeof(Push) <= vk::kPushConstantBytes, "push constants exceed 128 bytes");
  bool twin = kernel.texel && inputs.size() <= vk::kTexelBindings && texel_reads_wanted();
  for (const auto& input : inputs)
    twin = twin && has_texel_view(input.second);
  if (!twin) {
    launch(kernel, specialization, groups, push, accesses);
    return;
  }
  std::array<vk::TexelRead, vk::kTexelBindings> texels;
  size_t binding = 0;
  for (const auto& [field, input] : inputs) {
    const vk::Allocation& allocation = input.tensor->allocation();
    push.*field = texel_index(input);
    texels[binding++] = {input.vec4 ? allocation.texels4 : allocation.texels, allocation};
  }
  launch_texels(*kernel.texel, specialization, groups, push, accesses,
                std::span<const vk::TexelRead>(texels.data(), binding));
}

// One invocation per element (index < n), with the default workgroup size.
template <class Push>
void launch_1d(const vk::ShaderCode& shader, uint64_t n, const Push& push,
               std::initializer_list<vk::Access> accesses) {
  const uint32_t size = Runtime::get().workgroup_size();
  launch(shader, {size}, grid_1d(n, size), push, accesses);
}

// launch_reading() with one invocation per element, like launch_1d().
template <class Push>
void launch_1d_reading(const vk::ShaderCode& kernel, uint64_t n, const Push& push,
                       std::initializer_list<std::pair<VkDeviceAddress Push::*, TexelInput>> inputs,
                       std::initializer_list<vk::Access> accesses) {
  const uint32_t size = Runtime::get().workgroup_size();
  launch_reading(kernel, {size}, grid_1d(n, size), push, inputs, accesses);
}

}  // namespace aegan::ops
