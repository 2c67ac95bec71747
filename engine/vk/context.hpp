#pragma once
#include <vulkan/vulkan.h>

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace aegan::vk {

// What the engine needs to know about a physical device to choose kernels and respect limits.
struct DeviceInfo {
  uint32_t index = 0;
  std::string name;
  VkPhysicalDeviceType type = VK_PHYSICAL_DEVICE_TYPE_OTHER;
  std::string driver_name;
  std::string driver_info;
  uint32_t api_version = 0;
  uint32_t driver_version = 0;
  uint32_t vendor_id = 0;
  uint32_t device_id = 0;
  std::string pipeline_cache_uuid;  // hex
  uint64_t device_local_bytes = 0;  // sum of device-local heaps
  uint32_t subgroup_size = 0;
  uint32_t min_subgroup_size = 0;
  uint32_t max_subgroup_size = 0;
  uint32_t max_workgroup_invocations = 0;
  uint32_t max_workgroup_size[3] = {};
  uint32_t max_workgroup_count[3] = {};
  uint32_t max_shared_memory_bytes = 0;
  uint32_t max_push_constants_bytes = 0;
  uint64_t max_storage_buffer_range = 0;
  uint64_t max_memory_allocation_bytes = 0;
  float timestamp_period_ns = 0;
  bool buffer_device_address = false;
  bool shader_int64 = false;
  bool shader_float16 = false;
  bool storage_buffer_16bit = false;
  bool subgroup_size_control = false;
  bool cooperative_matrix = false;  // VK_KHR_ or VK_NV_cooperative_matrix advertised
  // VK_NV_cooperative_matrix with 16x16x16 float16 products into float32 at subgroup scope
  // (enabled when present): what the conv kernel `coop` needs.
  bool nv_cooperative_matrix_f16 = false;
  bool timestamps = false;
  // VK_KHR_push_descriptor (enabled when present): the texel-buffer kernels' only descriptors.
  bool push_descriptor = false;
  // R32_SFLOAT and R32G32B32A32_SFLOAT uniform texel buffers: on some devices (lavapipe) their
  // loads vectorise where loads through pointers do not.
  bool uniform_texel_buffers = false;
  uint32_t max_texel_buffer_elements = 0;

  std::string type_name() const;
  // Why the engine cannot run on this device, or empty when it can.
  std::string unsupported_reason() const;
};

// What a window (the viewer) needs beyond compute. The engine's one queue must then also draw, so
// the viewer records on the same queue and the engine's results reach the screen ordered by
// submission order and barriers alone. It presents from that queue too where its family can;
// otherwise from a queue of a family that can, after a queue-ownership transfer.
struct PresentationOptions {
  std::vector<std::string> instance_extensions;  // e.g. what GLFW requires for its surfaces
  // True when queue family `family` of `physical` can present to the window system.
  std::function<bool(VkInstance instance, VkPhysicalDevice physical, uint32_t family)> can_present;
  // Present through the separate-queue path even where the engine's family can present (from
  // another family that can, else from the same family): for testing that path.
  bool separate_present_queue = false;
};

struct ContextOptions {
  // Index into the device list; empty picks the best (discrete > integrated > virtual > CPU).
  std::optional<uint32_t> device_index;
  // Enables VK_LAYER_KHRONOS_validation with synchronization validation when it is installed.
  bool validation = false;
  // Set by the viewer: adds the window system's extensions, VK_KHR_swapchain and a queue family
  // that can compute, draw and present.
  std::optional<PresentationOptions> presentation;
};

// Instance, chosen physical device, logical device and one compute queue. Validation messages of
// error severity are counted so tests can fail on them.
class Context {
 public:
  explicit Context(const ContextOptions& options);
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  // Lists every Vulkan device with a temporary instance (works without creating a device).
  static std::vector<DeviceInfo> list_devices();
  // The device chosen when none is named: discrete GPU first, CPU implementations last.
  static uint32_t preferred_device(const std::vector<DeviceInfo>& devices);

  VkInstance instance() const { return instance_; }
  VkPhysicalDevice physical_device() const { return physical_; }
  VkDevice device() const { return device_; }
  VkQueue queue() const { return queue_; }
  uint32_t queue_family() const { return queue_family_; }
  // With presentation: the queue to present from, the engine's own unless it cannot present or
  // separate_present_queue asked for the separate path (then separate_present() is true).
  VkQueue present_queue() const { return present_queue_; }
  uint32_t present_family() const { return present_family_; }
  bool separate_present() const { return separate_present_; }
  const DeviceInfo& info() const { return info_; }
  bool validation_enabled() const { return messenger_ != VK_NULL_HANDLE; }
  bool presentation_enabled() const { return presentation_; }

  uint64_t validation_error_count() const;
  std::vector<std::string> validation_messages() const;  // error-severity messages so far

 private:
  void release();
  static VKAPI_ATTR VkBool32 VKAPI_CALL on_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                   VkDebugUtilsMessageTypeFlagsEXT types,
                                                   const VkDebugUtilsMessengerCallbackDataEXT* data,
                                                   void* user);

  VkInstance instance_ = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
  VkPhysicalDevice physical_ = VK_NULL_HANDLE;
  VkDevice device_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  uint32_t queue_family_ = 0;
  VkQueue present_queue_ = VK_NULL_HANDLE;
  uint32_t present_family_ = 0;
  bool separate_present_ = false;
  bool presentation_ = false;
  DeviceInfo info_;
  mutable std::mutex messages_mutex_;
  std::vector<std::string> error_messages_;
};

}  // namespace aegan::vk
