#include "viewer/gui.hpp"

#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_vulkan.h>
#include <imgui.h>

#include "engine/error.hpp"
#include "engine/runtime.hpp"
#include "engine/vk/check.hpp"

namespace aegan::viewer {
namespace {

void check_imgui_result(VkResult result) {
  if (result != VK_SUCCESS) throw Error("Vulkan error in the UI: " + std::to_string(result));
}

// The backend needs one command buffer to upload its font atlas; the queue is the engine's.
void upload_fonts(VkDevice device, VkCommandPool pool, VkQueue queue) {
  VkCommandBufferAllocateInfo allocate{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  allocate.commandPool = pool;
  allocate.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  allocate.commandBufferCount = 1;
  VkCommandBuffer commands = VK_NULL_HANDLE;
  VK_CHECK(vkAllocateCommandBuffers(device, &allocate, &commands));
  VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  VK_CHECK(vkBeginCommandBuffer(commands, &begin));
  ImGui_ImplVulkan_CreateFontsTexture(commands);
  VK_CHECK(vkEndCommandBuffer(commands));
  VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &commands;
  Runtime::get().stream().flush();
  VK_CHECK(vkQueueSubmit(queue, 1, &submit, VK_NULL_HANDLE));
  VK_CHECK(vkQueueWaitIdle(queue));
  ImGui_ImplVulkan_DestroyFontUploadObjects();
  vkFreeCommandBuffers(device, pool, 1, &commands);
}

}  // namespace

Gui::Gui(Window& window, Presenter& presenter) : device_(Runtime::get().context().device()) {
  vk::Context& context = Runtime::get().context();
  // One descriptor set for the font atlas is all the backend allocates.
  VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 4};
  VkDescriptorPoolCreateInfo pool{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
  pool.flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT;
  pool.maxSets = 4;
  pool.poolSizeCount = 1;
  pool.pPoolSizes = &size;
  VK_CHECK(vkCreateDescriptorPool(device_, &pool, nullptr, &descriptors_));

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // the layout is the program's, not a file's
  ImGui::StyleColorsDark();
  ImGui_ImplGlfw_InitForVulkan(window.handle(), true);
  ImGui_ImplVulkan_InitInfo info{};
  info.Instance = context.instance();
  info.PhysicalDevice = context.physical_device();
  info.Device = device_;
  info.QueueFamily = context.queue_family();
  info.Queue = context.queue();
  info.DescriptorPool = descriptors_;
  info.MinImageCount = std::max(2u, presenter.min_image_count());
  info.ImageCount = std::max(info.MinImageCount, presenter.image_count());
  info.MSAASamples = VK_SAMPLE_COUNT_1_BIT;
  info.CheckVkResultFn = check_imgui_result;
  ImGui_ImplVulkan_Init(&info, presenter.render_pass());
  upload_fonts(device_, presenter.command_pool(), context.queue());
}

Gui::~Gui() {
  vkDeviceWaitIdle(device_);
  ImGui_ImplVulkan_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  vkDestroyDescriptorPool(device_, descriptors_, nullptr);
}

void Gui::new_frame() {
  ImGui_ImplVulkan_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
}

void Gui::end_frame() {
  ImGui::Render();
}

void Gui::draw(VkCommandBuffer commands) {
  ImGui_ImplVulkan_RenderDrawData(ImGui::GetDrawData(), commands);
}

}  // namespace aegan::viewer
