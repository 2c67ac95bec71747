#pragma once
#include <cstdint>
#include <initializer_list>
#include <span>
#include <vector>

#include "engine/error.hpp"
#include "engine/profile.hpp"
#include "engine/runtime.hpp"
#include "engine/vk/shader.hpp"

namespace aegan::ops {

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
            vk::Groups groups, const Push& push, std::initializer_list<vk::Access> accesses) {
  static_assert(sizeof(Push) <= vk::kPushConstantBytes, "push constants exceed 128 bytes");
  Runtime& runtime = Runtime::get();
  const std::vector<uint32_t> spec(specialization);
  VkPipeline pipeline = runtime.pipelines().get(shader, spec);
  profiled(shader,
           [&] { runtime.stream().dispatch(pipeline, &push, sizeof(Push), groups, accesses); });
}

// As launch(), for a kernel that also reads through uniform texel buffers: `texels[i]` is bound
// to set 0, binding i (needs DeviceInfo::push_descriptor and non-null views).
template <class Push>
void launch_texels(const vk::ShaderCode& shader, std::initializer_list<uint32_t> specialization,
                   vk::Groups groups, const Push& push, std::initializer_list<vk::Access> accesses,
                   std::initializer_list<vk::TexelRead> texels) {
  static_assert(sizeof(Push) <= vk::kPushConstantBytes, "push constants exceed 128 bytes");
  Runtime& runtime = Runtime::get();
  const std::vector<uint32_t> spec(specialization);
  VkPipeline pipeline = runtime.pipelines().get(shader, spec, true);
  profiled(shader, [&] {
    runtime.stream().dispatch(pipeline, &push, sizeof(Push), groups, accesses,
                              std::span<const vk::TexelRead>(texels.begin(), texels.size()));
  });
}

// One invocation per element (index < n), with the default workgroup size.
template <class Push>
void launch_1d(const vk::ShaderCode& shader, uint64_t n, const Push& push,
               std::initializer_list<vk::Access> accesses) {
  const uint32_t size = Runtime::get().workgroup_size();
  launch(shader, {size}, grid_1d(n, size), push, accesses);
}

}  // namespace aegan::ops
