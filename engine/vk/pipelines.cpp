#include "engine/vk/pipelines.hpp"

#include <fstream>
#include <iterator>

#include "engine/vk/check.hpp"

namespace aegan::vk {

Pipelines::Pipelines(const Context& context, const std::filesystem::path& cache_dir)
    : context_(context) {
  VkPushConstantRange range{VK_SHADER_STAGE_COMPUTE_BIT, 0, kPushConstantBytes};
  VkPipelineLayoutCreateInfo layout_info{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  layout_info.pushConstantRangeCount = 1;
  layout_info.pPushConstantRanges = &range;
  VK_CHECK(vkCreatePipelineLayout(context.device(), &layout_info, nullptr, &layout_));
  if (context.info().push_descriptor) {
    VkDescriptorSetLayoutBinding bindings[kTexelBindings];
    for (uint32_t i = 0; i < kTexelBindings; ++i) {
      bindings[i] = {i, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT,
                     nullptr};
    }
    VkDescriptorSetLayoutCreateInfo set_info{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    set_info.flags = VK_DESCRIPTOR_SET_LAYOUT_CREATE_PUSH_DESCRIPTOR_BIT_KHR;
    set_info.bindingCount = kTexelBindings;
    set_info.pBindings = bindings;
    VK_CHECK(vkCreateDescriptorSetLayout(context.device(), &set_info, nullptr, &texel_set_layout_));
    layout_info.setLayoutCount = 1;
    layout_info.pSetLayouts = &texel_set_layout_;
    VK_CHECK(vkCreatePipelineLayout(context.device(), &layout_info, nullptr, &texel_layout_));
  }

  const DeviceInfo& info = context.info();
  cache_path_ =
      cache_dir / ("pipelines-" + std::to_string(info.vendor_id) + "-" +
                   std::to_string(info.device_id) + "-" + info.pipeline_cache_uuid + ".bin");
  std::vector<char> data;
  if (std::ifstream in{cache_path_, std::ios::binary}) {
    data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  VkPipelineCacheCreateInfo cache_info{VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO};
  cache_info.initialDataSize = data.size();
  cache_info.pInitialData = data.empty() ? nullptr : data.data();
  // A stale or foreign cache is rejected by the driver; start empty rather than fail.
  if (vkCreatePipelineCache(context.device(), &cache_info, nullptr, &cache_) != VK_SUCCESS) {
    cache_info.initialDataSize = 0;
    cache_info.pInitialData = nullptr;
    VK_CHECK(vkCreatePipelineCache(context.device(), &cache_info, nullptr, &cache_));
  }
}

Pipelines::~Pipelines() {
  save_cache();
  for (auto& [key, pipeline] : pipelines_)
    vkDestroyPipeline(context_.device(), pipeline, nullptr);
  for (auto& [shader, module] : modules_)
    vkDestroyShaderModule(context_.device(), module, nullptr);
  vkDestroyPipelineCache(context_.device(), cache_, nullptr);
  vkDestroyPipelineLayout(context_.device(), layout_, nullptr);
  vkDestroyPipelineLayout(context_.device(), texel_layout_, nullptr);
  vkDestroyDescriptorSetLayout(context_.device(), texel_set_layout_, nullptr);
}

void Pipelines::save_cache() {
  std::lock_guard lock(mutex_);
  size_t size = 0;
  if (vkGetPipelineCacheData(context_.device(), cache_, &size, nullptr) != VK_SUCCESS) return;
  std::vector<char> data(size);
  if (vkGetPipelineCacheData(context_.device(), cache_, &size, data.data()) != VK_SUCCESS) return;
  // The cache only saves time: failing to write it (read-only home, full disk) is not an error.
  std::error_code error;
  std::filesystem::create_directories(cache_path_.parent_path(), error);
  const auto temporary = cache_path_.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out.write(data.data(), static_cast<std::streamsize>(size))) return;
  }
  std::filesystem::rename(temporary, cache_path_, error);
}

VkPipeline Pipelines::get(const ShaderCode& shader, std::span<const uint32_t> specialization,
                          bool texels) {
  if (texels && !texel_layout_) {
    throw Error("internal error: texel buffer kernel without VK_KHR_push_descriptor");
  }
  std::lock_guard lock(mutex_);
  auto key =
      std::make_pair(&shader, std::vector<uint32_t>(specialization.begin(), specialization.end()));
  if (auto it = pipelines_.find(key); it != pipelines_.end()) return it->second;

  VkShaderModule& module = modules_[&shader];
  if (!module) {
    VkShaderModuleCreateInfo module_info{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
    module_info.codeSize = shader.word_count * 4;
    module_info.pCode = shader.words;
    VK_CHECK(vkCreateShaderModule(context_.device(), &module_info, nullptr, &module));
  }
  std::vector<VkSpecializationMapEntry> entries;
  for (uint32_t i = 0; i < specialization.size(); ++i) {
    entries.push_back({i, i * 4u, 4u});
  }
  VkSpecializationInfo spec{static_cast<uint32_t>(entries.size()), entries.data(),
                            specialization.size() * 4, specialization.data()};
  VkComputePipelineCreateInfo info{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
  info.stage = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO};
  info.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  info.stage.module = module;
  info.stage.pName = "main";
  info.stage.pSpecializationInfo = specialization.empty() ? nullptr : &spec;
  info.layout = texels ? texel_layout_ : layout_;
  VkPipeline pipeline = VK_NULL_HANDLE;
  VK_CHECK(vkCreateComputePipelines(context_.device(), cache_, 1, &info, nullptr, &pipeline));
  pipelines_.emplace(std::move(key), pipeline);
  return pipeline;
}

}  // namespace aegan::vk
