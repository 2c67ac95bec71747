#pragma once
#include <vulkan/vulkan.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "engine/vk/context.hpp"
#include "engine/vk/shader.hpp"

namespace aegan::vk {

// Bytes of push constants every kernel may use: the minimum every Vulkan device guarantees.
constexpr uint32_t kPushConstantBytes = 128;
// Uniform texel buffer bindings (set 0, bindings 0..n-1) of kernels that read through texel views.
constexpr uint32_t kTexelBindings = 4;

// Compute pipelines, created on first use for each (kernel, specialization constants) pair.
// Kernels take all their arguments as push constants (buffer device addresses and sizes), so a
// single pipeline layout without descriptor sets serves every kernel; kernels that read through
// uniform texel buffers use a second layout, the same push constants plus one push-descriptor set
// of kTexelBindings views (only where VK_KHR_push_descriptor is available). The VkPipelineCache is
// loaded from and saved to disk so that a second start skips shader compilation.
class Pipelines {
 public:
  // The cache file goes in `cache_dir` (Settings::cache_dir).
  Pipelines(const Context& context, const std::filesystem::path& cache_dir);
  ~Pipelines();
  Pipelines(const Pipelines&) = delete;
  Pipelines& operator=(const Pipelines&) = delete;

  // Specialization constant i gets constant_id i; constant 0 is the workgroup size by convention.
  // `texels`: the shader declares texel buffer bindings (texel_layout()).
  VkPipeline get(const ShaderCode& shader, std::span<const uint32_t> specialization,
                 bool texels = false);
  VkPipelineLayout layout() const { return layout_; }
  VkPipelineLayout texel_layout() const { return texel_layout_; }
  const std::filesystem::path& cache_path() const { return cache_path_; }
  // Writes the pipeline cache to disk (atomically); also done on destruction.
  void save_cache();

 private:
  const Context& context_;
  VkPipelineLayout layout_ = VK_NULL_HANDLE;
  VkDescriptorSetLayout texel_set_layout_ = VK_NULL_HANDLE;
  VkPipelineLayout texel_layout_ = VK_NULL_HANDLE;
  VkPipelineCache cache_ = VK_NULL_HANDLE;
  std::filesystem::path cache_path_;
  std::map<std::pair<const ShaderCode*, std::vector<uint32_t>>, VkPipeline> pipelines_;
  std::map<const ShaderCode*, VkShaderModule> modules_;
  std::mutex mutex_;
};

}  // namespace aegan::vk
