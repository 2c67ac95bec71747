#include "engine/vk/context.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "engine/vk/check.hpp"

namespace aegan::vk {
namespace {

constexpr const char* kValidationLayer = "VK_LAYER_KHRONOS_validation";

bool has_layer(const char* name) {
  uint32_t count = 0;
  vkEnumerateInstanceLayerProperties(&count, nullptr);
  std::vector<VkLayerProperties> layers(count);
  vkEnumerateInstanceLayerProperties(&count, layers.data());
  return std::any_of(layers.begin(), layers.end(), [&](const VkLayerProperties& l) {
    return std::strcmp(l.layerName, name) == 0;
  });
}

bool has_instance_extension(const char* name) {
  uint32_t count = 0;
  vkEnumerateInstanceExtensionProperties(nullptr, &count, nullptr);
  std::vector<VkExtensionProperties> extensions(count);
  vkEnumerateInstanceExtensionProperties(nullptr, &count, extensions.data());
  return std::any_of(extensions.begin(), extensions.end(), [&](const VkExtensionProperties& e) {
    return std::strcmp(e.extensionName, name) == 0;
  });
}

std::vector<std::string> device_extensions(VkPhysicalDevice physical) {
  uint32_t count = 0;
  vkEnumerateDeviceExtensionProperties(physical, nullptr, &count, nullptr);
  std::vector<VkExtensionProperties> extensions(count);
  vkEnumerateDeviceExtensionProperties(physical, nullptr, &count, extensions.data());
  std::vector<std::string> names;
  for (const auto& e : extensions)
    names.emplace_back(e.extensionName);
  return names;
}

VkInstance create_instance(bool validation, const std::vector<std::string>& window_extensions,
                           bool* portability) {
  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = "aegan-vk";
  app.pEngineName = "aegan-vk";
  app.apiVersion = VK_API_VERSION_1_2;

  std::vector<const char*> layers;
  std::vector<const char*> extensions;
  if (validation) {
    layers.push_back(kValidationLayer);
    extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
  }
  for (const std::string& name : window_extensions) {
    if (!has_instance_extension(name.c_str())) {
      throw Error("the Vulkan driver lacks instance extension " + name + " needed for a window");
    }
    extensions.push_back(name.c_str());
  }
  *portability = has_instance_extension(VK_KHR_PORTABILITY_ENUMERATION_EXTENSION_NAME);
  if (*portability) extensions.push_back(VK_KHR_PORTABILITY_ENUMERATION_EXTENSION_NAME);

  // Synchronization validation is off by default in the layer; the engine's barriers are exactly
  // what it checks, so turn it on.
  VkValidationFeatureEnableEXT enables[] = {
      VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT};
  VkValidationFeaturesEXT features{VK_STRUCTURE_TYPE_VALIDATION_FEATURES_EXT};
  features.enabledValidationFeatureCount = 1;
  features.pEnabledValidationFeatures = enables;

  VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  info.pNext = validation ? &features : nullptr;
  info.flags = *portability ? VK_INSTANCE_CREATE_ENUMERATE_PORTABILITY_BIT_KHR : 0;
  info.pApplicationInfo = &app;
  info.enabledLayerCount = static_cast<uint32_t>(layers.size());
  info.ppEnabledLayerNames = layers.data();
  info.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
  info.ppEnabledExtensionNames = extensions.data();

  VkInstance instance = VK_NULL_HANDLE;
  VkResult result = vkCreateInstance(&info, nullptr, &instance);
  if (result == VK_ERROR_INCOMPATIBLE_DRIVER || result == VK_ERROR_INITIALIZATION_FAILED) {
    throw Error(
        "no Vulkan driver found: install your GPU's Vulkan driver, or mesa-vulkan-drivers for "
        "the CPU implementation (lavapipe)");
  }
  VK_CHECK(result);
  return instance;
}

std::vector<VkPhysicalDevice> physical_devices(VkInstance instance) {
  uint32_t count = 0;
  VK_CHECK(vkEnumeratePhysicalDevices(instance, &count, nullptr));
  std::vector<VkPhysicalDevice> devices(count);
  VK_CHECK(vkEnumeratePhysicalDevices(instance, &count, devices.data()));
  return devices;
}

std::string hex(const uint8_t* bytes, size_t count) {
  std::string out;
  char buffer[3];
  for (size_t i = 0; i < count; ++i) {
    std::snprintf(buffer, sizeof buffer, "%02x", bytes[i]);
    out += buffer;
  }
  return out;
}

// Whether the device multiplies 16x16 float16 matrices into float32 ones at subgroup scope through
// VK_NV_cooperative_matrix (the conv kernel `coop`).
bool nv_cooperative_matrix_f16(VkInstance instance, VkPhysicalDevice physical) {
  VkPhysicalDeviceCooperativeMatrixFeaturesNV cooperative{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_COOPERATIVE_MATRIX_FEATURES_NV};
  VkPhysicalDeviceFeatures2 features{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, &cooperative};
  vkGetPhysicalDeviceFeatures2(physical, &features);
  auto list = reinterpret_cast<PFN_vkGetPhysicalDeviceCooperativeMatrixPropertiesNV>(
      vkGetInstanceProcAddr(instance, "vkGetPhysicalDeviceCooperativeMatrixPropertiesNV"));
  if (!cooperative.cooperativeMatrix || !list) return false;
  uint32_t count = 0;
  list(physical, &count, nullptr);
  std::vector<VkCooperativeMatrixPropertiesNV> shapes(
      count, {VK_STRUCTURE_TYPE_COOPERATIVE_MATRIX_PROPERTIES_NV});
  list(physical, &count, shapes.data());
  return std::any_of(shapes.begin(), shapes.end(), [](const VkCooperativeMatrixPropertiesNV& m) {
    return m.MSize == 16 && m.NSize == 16 && m.KSize == 16 &&
           m.AType == VK_COMPONENT_TYPE_FLOAT16_NV && m.BType == VK_COMPONENT_TYPE_FLOAT16_NV &&
           m.CType == VK_COMPONENT_TYPE_FLOAT32_NV && m.DType == VK_COMPONENT_TYPE_FLOAT32_NV &&
           m.scope == VK_SCOPE_SUBGROUP_NV;
  });
}

DeviceInfo describe(VkInstance instance, VkPhysicalDevice physical, uint32_t index) {
  VkPhysicalDeviceSubgroupSizeControlProperties size_control{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_SIZE_CONTROL_PROPERTIES};
  VkPhysicalDeviceSubgroupProperties subgroup{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES,
                                              &size_control};
  VkPhysicalDeviceDriverProperties driver{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES,
                                          &subgroup};
  VkPhysicalDeviceMaintenance3Properties maintenance3{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_3_PROPERTIES, &driver};
  VkPhysicalDeviceProperties2 properties{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
                                         &maintenance3};
  vkGetPhysicalDeviceProperties(physical, &properties.properties);
  const bool vulkan_1_2 = properties.properties.apiVersion >= VK_API_VERSION_1_2;
  if (vulkan_1_2) vkGetPhysicalDeviceProperties2(physical, &properties);
  const VkPhysicalDeviceLimits& limits = properties.properties.limits;

  DeviceInfo info;
  info.index = index;
  info.name = properties.properties.deviceName;
  info.type = properties.properties.deviceType;
  info.api_version = properties.properties.apiVersion;
  info.driver_version = properties.properties.driverVersion;
  info.vendor_id = properties.properties.vendorID;
  info.device_id = properties.properties.deviceID;
  info.pipeline_cache_uuid = hex(properties.properties.pipelineCacheUUID, VK_UUID_SIZE);
  info.max_workgroup_invocations = limits.maxComputeWorkGroupInvocations;
  for (int i = 0; i < 3; ++i) {
    info.max_workgroup_size[i] = limits.maxComputeWorkGroupSize[i];
    info.max_workgroup_count[i] = limits.maxComputeWorkGroupCount[i];
  }
  info.max_shared_memory_bytes = limits.maxComputeSharedMemorySize;
  info.max_push_constants_bytes = limits.maxPushConstantsSize;
  info.max_storage_buffer_range = limits.maxStorageBufferRange;
  info.max_texel_buffer_elements = limits.maxTexelBufferElements;
  info.timestamp_period_ns = limits.timestampPeriod;
  if (vulkan_1_2) {
    info.driver_name = driver.driverName;
    info.driver_info = driver.driverInfo;
    info.subgroup_size = subgroup.subgroupSize;
    info.min_subgroup_size = size_control.minSubgroupSize;
    info.max_subgroup_size = size_control.maxSubgroupSize;
    info.max_memory_allocation_bytes = maintenance3.maxMemoryAllocationSize;
  }

  VkPhysicalDeviceMemoryProperties memory;
  vkGetPhysicalDeviceMemoryProperties(physical, &memory);
  for (uint32_t i = 0; i < memory.memoryHeapCount; ++i) {
    if (memory.memoryHeaps[i].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) {
      info.device_local_bytes += memory.memoryHeaps[i].size;
    }
  }

  if (vulkan_1_2) {
    VkPhysicalDeviceVulkan13Features features13{
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES};
    VkPhysicalDeviceVulkan12Features features12{
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
        properties.properties.apiVersion >= VK_API_VERSION_1_3 ? &features13 : nullptr};
    VkPhysicalDeviceVulkan11Features features11{
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES, &features12};
    VkPhysicalDeviceFeatures2 features{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, &features11};
    vkGetPhysicalDeviceFeatures2(physical, &features);
    info.buffer_device_address = features12.bufferDeviceAddress;
    info.shader_int64 = features.features.shaderInt64;
    info.shader_float16 = features12.shaderFloat16;
    info.storage_buffer_16bit = features11.storageBuffer16BitAccess;
    info.subgroup_size_control = features13.subgroupSizeControl;
  }
  for (const std::string& name : device_extensions(physical)) {
    if (name == "VK_KHR_cooperative_matrix" || name == "VK_NV_cooperative_matrix") {
      info.cooperative_matrix = true;
    }
    if (name == VK_NV_COOPERATIVE_MATRIX_EXTENSION_NAME && vulkan_1_2) {
      info.nv_cooperative_matrix_f16 = nv_cooperative_matrix_f16(instance, physical);
    }
    if (name == VK_KHR_PUSH_DESCRIPTOR_EXTENSION_NAME) info.push_descriptor = true;
  }
  info.uniform_texel_buffers = true;
  for (VkFormat format : {VK_FORMAT_R32_SFLOAT, VK_FORMAT_R32G32B32A32_SFLOAT}) {
    VkFormatProperties format_properties;
    vkGetPhysicalDeviceFormatProperties(physical, format, &format_properties);
    if (!(format_properties.bufferFeatures & VK_FORMAT_FEATURE_UNIFORM_TEXEL_BUFFER_BIT)) {
      info.uniform_texel_buffers = false;
    }
  }

  uint32_t family_count = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(physical, &family_count, nullptr);
  std::vector<VkQueueFamilyProperties> families(family_count);
  vkGetPhysicalDeviceQueueFamilyProperties(physical, &family_count, families.data());
  for (const auto& family : families) {
    if ((family.queueFlags & VK_QUEUE_COMPUTE_BIT) && family.timestampValidBits > 0) {
      info.timestamps = true;
    }
  }
  return info;
}

struct QueueFamilies {
  uint32_t main = 0;     // compute (and draw, with presentation)
  uint32_t present = 0;  // with presentation
  bool separate_present = false;
};

// The queue family used for everything: one that can compute, preferring one that can also draw
// so the viewer can copy the engine's results into a window without a queue-ownership transfer.
QueueFamilies choose_queue_families(VkInstance instance, VkPhysicalDevice physical,
                                    const std::optional<PresentationOptions>& presentation) {
  uint32_t count = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(physical, &count, nullptr);
  std::vector<VkQueueFamilyProperties> families(count);
  vkGetPhysicalDeviceQueueFamilyProperties(physical, &count, families.data());
  if (presentation) {
    const auto presents = [&](uint32_t i) {
      return !presentation->can_present || presentation->can_present(instance, physical, i);
    };
    const auto draws = [&](uint32_t i) {
      const VkQueueFlags flags = families[i].queueFlags;
      return (flags & VK_QUEUE_COMPUTE_BIT) && (flags & VK_QUEUE_GRAPHICS_BIT);
    };
    // Every Vulkan device that draws has a family that also computes, and on desktop drivers it
    // presents too; only where it cannot does presenting need a second queue.
    std::optional<uint32_t> main, presenting_main, other_present;
    for (uint32_t i = 0; i < count; ++i) {
      if (draws(i) && !main) main = i;
      if (draws(i) && presents(i) && !presenting_main) presenting_main = i;
    }
    if (presenting_main) main = presenting_main;
    if (!main) throw Error("the selected Vulkan device has no queue that can compute and draw");
    for (uint32_t i = 0; i < count; ++i) {
      if (i != *main && presents(i) && !other_present) other_present = i;
    }
    if (presenting_main && !presentation->separate_present_queue) return {*main, *main, false};
    if (other_present) return {*main, *other_present, true};
    if (presenting_main) return {*main, *main, true};
    throw Error("the selected Vulkan device has no queue that can present to the window");
  }
  std::optional<uint32_t> compute_only;
  for (uint32_t i = 0; i < count; ++i) {
    const VkQueueFlags flags = families[i].queueFlags;
    if ((flags & VK_QUEUE_COMPUTE_BIT) && (flags & VK_QUEUE_GRAPHICS_BIT)) return {i, i, false};
    if ((flags & VK_QUEUE_COMPUTE_BIT) && !compute_only) compute_only = i;
  }
  if (!compute_only) throw Error("the selected Vulkan device has no compute queue");
  return {*compute_only, *compute_only, false};
}

int type_rank(VkPhysicalDeviceType type) {
  switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
      return 0;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
      return 1;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
      return 2;
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
      return 3;
    default:
      return 4;
  }
}

}  // namespace

std::string DeviceInfo::type_name() const {
  switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
      return "discrete GPU";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
      return "integrated GPU";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
      return "virtual GPU";
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
      return "CPU";
    default:
      return "other";
  }
}

std::string DeviceInfo::unsupported_reason() const {
  if (api_version < VK_API_VERSION_1_2) return "needs Vulkan 1.2";
  if (!buffer_device_address) return "needs the bufferDeviceAddress feature";
  if (max_push_constants_bytes < 128) return "needs 128 bytes of push constants";
  return {};
}

std::vector<DeviceInfo> Context::list_devices() {
  bool portability = false;
  VkInstance instance = create_instance(false, {}, &portability);
  std::vector<DeviceInfo> infos;
  try {
    const auto devices = physical_devices(instance);
    for (uint32_t i = 0; i < devices.size(); ++i)
      infos.push_back(describe(instance, devices[i], i));
  } catch (...) {
    vkDestroyInstance(instance, nullptr);
    throw;
  }
  vkDestroyInstance(instance, nullptr);
  return infos;
}

uint32_t Context::preferred_device(const std::vector<DeviceInfo>& devices) {
  std::optional<uint32_t> best;
  for (const DeviceInfo& d : devices) {
    if (!d.unsupported_reason().empty()) continue;
    if (!best || type_rank(d.type) < type_rank(devices[*best].type)) best = d.index;
  }
  if (!best) {
    std::string reasons;
    for (const DeviceInfo& d : devices)
      reasons += "; " + d.name + " " + d.unsupported_reason();
    throw Error("no usable Vulkan device" + (reasons.empty() ? std::string(" found") : reasons));
  }
  return *best;
}

Context::Context(const ContextOptions& options) {
  const bool validation = options.validation && has_layer(kValidationLayer);
  bool portability = false;
  const std::vector<std::string> window_extensions =
      options.presentation ? options.presentation->instance_extensions : std::vector<std::string>{};
  instance_ = create_instance(validation, window_extensions, &portability);
  try {
    if (validation) {
      VkDebugUtilsMessengerCreateInfoEXT info{
          VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
      info.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT |
                             VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT;
      info.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                         VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                         VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
      info.pfnUserCallback = &Context::on_message;
      info.pUserData = this;
      auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
          vkGetInstanceProcAddr(instance_, "vkCreateDebugUtilsMessengerEXT"));
      if (create) VK_CHECK(create(instance_, &info, nullptr, &messenger_));
    }

    const auto devices = physical_devices(instance_);
    std::vector<DeviceInfo> infos;
    for (uint32_t i = 0; i < devices.size(); ++i)
      infos.push_back(describe(instance_, devices[i], i));
    if (infos.empty()) {
      throw Error("no Vulkan device found (install mesa-vulkan-drivers for the CPU device)");
    }
    uint32_t chosen = 0;
    if (options.device_index) {
      chosen = *options.device_index;
      if (chosen >= infos.size()) {
        throw Error("device " + std::to_string(chosen) + " does not exist; there are " +
                    std::to_string(infos.size()) + " (see `aegan-vk devices`)");
      }
      const std::string reason = infos[chosen].unsupported_reason();
      if (!reason.empty()) throw Error("device " + infos[chosen].name + " " + reason);
    } else {
      chosen = preferred_device(infos);
    }
    physical_ = devices[chosen];
    info_ = infos[chosen];
    const QueueFamilies families =
        choose_queue_families(instance_, physical_, options.presentation);
    queue_family_ = families.main;
    present_family_ = families.present;
    separate_present_ = families.separate_present;

    const float priority = 1.0f;
    std::vector<VkDeviceQueueCreateInfo> queue_infos;
    for (uint32_t family : {queue_family_, present_family_}) {
      if (!queue_infos.empty() && family == queue_family_) break;
      VkDeviceQueueCreateInfo queue_info{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
      queue_info.queueFamilyIndex = family;
      queue_info.queueCount = 1;
      queue_info.pQueuePriorities = &priority;
      queue_infos.push_back(queue_info);
    }

    VkPhysicalDeviceVulkan12Features features12{
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
    features12.bufferDeviceAddress = VK_TRUE;
    features12.shaderFloat16 = info_.shader_float16;
    VkPhysicalDeviceVulkan11Features features11{
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES, &features12};
    features11.storageBuffer16BitAccess = info_.storage_buffer_16bit;
    VkPhysicalDeviceFeatures2 features{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, &features11};
    features.features.shaderInt64 = info_.shader_int64;
    VkPhysicalDeviceCooperativeMatrixFeaturesNV cooperative{
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_COOPERATIVE_MATRIX_FEATURES_NV};
    cooperative.cooperativeMatrix = VK_TRUE;

    std::vector<const char*> extensions;
    if (info_.nv_cooperative_matrix_f16) {
      features12.pNext = &cooperative;
      extensions.push_back(VK_NV_COOPERATIVE_MATRIX_EXTENSION_NAME);
    }
    const auto available = device_extensions(physical_);
    if (std::find(available.begin(), available.end(), "VK_KHR_portability_subset") !=
        available.end()) {
      extensions.push_back("VK_KHR_portability_subset");
    }
    if (options.presentation) {
      if (std::find(available.begin(), available.end(), VK_KHR_SWAPCHAIN_EXTENSION_NAME) ==
          available.end()) {
        throw Error("device " + info_.name + " cannot show images in a window (no " +
                    VK_KHR_SWAPCHAIN_EXTENSION_NAME + ")");
      }
      extensions.push_back(VK_KHR_SWAPCHAIN_EXTENSION_NAME);
      presentation_ = true;
    }
    if (info_.push_descriptor) extensions.push_back(VK_KHR_PUSH_DESCRIPTOR_EXTENSION_NAME);

    VkDeviceCreateInfo device_info{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO, &features};
    device_info.queueCreateInfoCount = static_cast<uint32_t>(queue_infos.size());
    device_info.pQueueCreateInfos = queue_infos.data();
    device_info.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
    device_info.ppEnabledExtensionNames = extensions.data();
    VK_CHECK(vkCreateDevice(physical_, &device_info, nullptr, &device_));
    vkGetDeviceQueue(device_, queue_family_, 0, &queue_);
    vkGetDeviceQueue(device_, present_family_, 0, &present_queue_);
  } catch (...) {
    release();
    throw;
  }
}

Context::~Context() {
  release();
}

void Context::release() {
  if (device_) vkDestroyDevice(device_, nullptr);
  device_ = VK_NULL_HANDLE;
  if (messenger_) {
    auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkDestroyDebugUtilsMessengerEXT"));
    if (destroy) destroy(instance_, messenger_, nullptr);
    messenger_ = VK_NULL_HANDLE;
  }
  if (instance_) vkDestroyInstance(instance_, nullptr);
  instance_ = VK_NULL_HANDLE;
}

VKAPI_ATTR VkBool32 VKAPI_CALL Context::on_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                   VkDebugUtilsMessageTypeFlagsEXT,
                                                   const VkDebugUtilsMessengerCallbackDataEXT* data,
                                                   void* user) {
  auto* self = static_cast<Context*>(user);
  const char* text = data && data->pMessage ? data->pMessage : "(no message)";
  std::fprintf(stderr, "[vulkan validation] %s\n", text);
  if (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) {
    std::lock_guard lock(self->messages_mutex_);
    self->error_messages_.emplace_back(text);
  }
  return VK_FALSE;
}

uint64_t Context::validation_error_count() const {
  std::lock_guard lock(messages_mutex_);
  return error_messages_.size();
}

std::vector<std::string> Context::validation_messages() const {
  std::lock_guard lock(messages_mutex_);
  return error_messages_;
}

}  // namespace aegan::vk
