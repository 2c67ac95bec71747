#include "viewer/presenter.hpp"

#include <algorithm>
#include <cstring>

#include "engine/error.hpp"
#include "engine/runtime.hpp"
#include "engine/vk/check.hpp"
#include "nets/report/canvas.hpp"
#include "nets/report/png.hpp"

namespace aegan::viewer {
namespace {

// A UNORM format keeps the bytes the engine writes equal to what `aegan-vk sample` saves; an sRGB
// one would show the same bytes too (copies do not convert) but blend the UI differently.
VkSurfaceFormatKHR choose_format(VkPhysicalDevice physical, VkSurfaceKHR surface) {
  uint32_t count = 0;
  VK_CHECK(vkGetPhysicalDeviceSurfaceFormatsKHR(physical, surface, &count, nullptr));
  std::vector<VkSurfaceFormatKHR> formats(count);
  VK_CHECK(vkGetPhysicalDeviceSurfaceFormatsKHR(physical, surface, &count, formats.data()));
  for (VkFormat wanted : {VK_FORMAT_B8G8R8A8_UNORM, VK_FORMAT_R8G8B8A8_UNORM}) {
    for (const VkSurfaceFormatKHR& f : formats) {
      if (f.format == wanted) return f;
    }
  }
  for (const VkSurfaceFormatKHR& f : formats) {
    if (f.format == VK_FORMAT_B8G8R8A8_SRGB || f.format == VK_FORMAT_R8G8B8A8_SRGB) return f;
  }
  throw Error("the window supports no 8-bit RGBA or BGRA format");
}

VkRenderPass create_render_pass(VkDevice device, VkFormat format) {
  // The images are copied in before the pass (transfer) and the UI drawn over them, so the pass
  // loads the attachment; it ends ready for a screenshot copy, then goes to presentation.
  VkAttachmentDescription attachment{};
  attachment.format = format;
  attachment.samples = VK_SAMPLE_COUNT_1_BIT;
  attachment.loadOp = VK_ATTACHMENT_LOAD_OP_LOAD;
  attachment.storeOp = VK_ATTACHMENT_STORE_OP_STORE;
  attachment.stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
  attachment.stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
  attachment.initialLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
  attachment.finalLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
  VkAttachmentReference color{0, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
  VkSubpassDescription subpass{};
  subpass.pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS;
  subpass.colorAttachmentCount = 1;
  subpass.pColorAttachments = &color;
  std::array<VkSubpassDependency, 2> dependencies{};
  dependencies[0].srcSubpass = VK_SUBPASS_EXTERNAL;
  dependencies[0].dstSubpass = 0;
  dependencies[0].srcStageMask = VK_PIPELINE_STAGE_TRANSFER_BIT;
  dependencies[0].srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
  dependencies[0].dstStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
  dependencies[0].dstAccessMask =
      VK_ACCESS_COLOR_ATTACHMENT_READ_BIT | VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
  dependencies[1].srcSubpass = 0;
  dependencies[1].dstSubpass = VK_SUBPASS_EXTERNAL;
  dependencies[1].srcStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
  dependencies[1].srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
  dependencies[1].dstStageMask = VK_PIPELINE_STAGE_TRANSFER_BIT;
  dependencies[1].dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
  VkRenderPassCreateInfo info{VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO};
  info.attachmentCount = 1;
  info.pAttachments = &attachment;
  info.subpassCount = 1;
  info.pSubpasses = &subpass;
  info.dependencyCount = static_cast<uint32_t>(dependencies.size());
  info.pDependencies = dependencies.data();
  VkRenderPass pass = VK_NULL_HANDLE;
  VK_CHECK(vkCreateRenderPass(device, &info, nullptr, &pass));
  return pass;
}

VkImageMemoryBarrier image_barrier(VkImage image, VkImageLayout from, VkImageLayout to,
                                   VkAccessFlags src, VkAccessFlags dst) {
  VkImageMemoryBarrier barrier{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
  barrier.srcAccessMask = src;
  barrier.dstAccessMask = dst;
  barrier.oldLayout = from;
  barrier.newLayout = to;
  barrier.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  barrier.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  barrier.image = image;
  barrier.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
  return barrier;
}

bool overlap(const VkRect2D& a, const VkRect2D& b) {
  const auto end = [](int32_t offset, uint32_t extent) {
    return offset + static_cast<int32_t>(extent);
  };
  return a.offset.x < end(b.offset.x, b.extent.width) &&
         b.offset.x < end(a.offset.x, a.extent.width) &&
         a.offset.y < end(b.offset.y, b.extent.height) &&
         b.offset.y < end(a.offset.y, a.extent.height);
}

}  // namespace

Presenter::Presenter(Window& window) : window_(window), device_(Runtime::get().context().device()) {
  vk::Context& context = Runtime::get().context();
  if (!context.presentation_enabled()) {
    throw Error("internal error: the runtime was started without presentation support");
  }
  format_ = choose_format(context.physical_device(), window.surface());
  order_ = (format_.format == VK_FORMAT_B8G8R8A8_UNORM || format_.format == VK_FORMAT_B8G8R8A8_SRGB)
               ? PixelOrder::bgra
               : PixelOrder::rgba;
  render_pass_ = create_render_pass(device_, format_.format);
  VkCommandPoolCreateInfo pool_info{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  pool_info.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  pool_info.queueFamilyIndex = context.queue_family();
  VK_CHECK(vkCreateCommandPool(device_, &pool_info, nullptr, &pool_));
  separate_ = context.separate_present();
  transfer_ownership_ = context.present_family() != context.queue_family();
  if (transfer_ownership_) {
    pool_info.queueFamilyIndex = context.present_family();
    VK_CHECK(vkCreateCommandPool(device_, &pool_info, nullptr, &present_pool_));
  }
  for (Slot& slot : slots_) {
    VkCommandBufferAllocateInfo allocate{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    allocate.commandPool = pool_;
    allocate.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    allocate.commandBufferCount = 1;
    VK_CHECK(vkAllocateCommandBuffers(device_, &allocate, &slot.commands));
    if (present_pool_) {
      allocate.commandPool = present_pool_;
      VK_CHECK(vkAllocateCommandBuffers(device_, &allocate, &slot.handover));
    }
    VkFenceCreateInfo fence{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    VK_CHECK(vkCreateFence(device_, &fence, nullptr, &slot.fence));
    VkSemaphoreCreateInfo semaphore{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
    VK_CHECK(vkCreateSemaphore(device_, &semaphore, nullptr, &slot.acquired));
  }
  rebuild();
}

Presenter::~Presenter() {
  // Closing while frames are in flight: everything must finish before its objects go.
  vkDeviceWaitIdle(device_);
  destroy_swapchain_images();
  if (swapchain_) vkDestroySwapchainKHR(device_, swapchain_, nullptr);
  for (Slot& slot : slots_) {
    vkDestroyFence(device_, slot.fence, nullptr);
    vkDestroySemaphore(device_, slot.acquired, nullptr);
  }
  vkDestroyCommandPool(device_, pool_, nullptr);
  if (present_pool_) vkDestroyCommandPool(device_, present_pool_, nullptr);
  vkDestroyRenderPass(device_, render_pass_, nullptr);
  if (readback_) vkDestroyBuffer(device_, readback_, nullptr);
  if (readback_memory_) vkFreeMemory(device_, readback_memory_, nullptr);
}

void Presenter::destroy_swapchain_images() {
  for (Image& image : images_) {
    vkDestroyFramebuffer(device_, image.framebuffer, nullptr);
    vkDestroyImageView(device_, image.view, nullptr);
    vkDestroySemaphore(device_, image.rendered, nullptr);
    if (image.presentable) vkDestroySemaphore(device_, image.presentable, nullptr);
  }
  images_.clear();
}

bool Presenter::rebuild() {
  vk::Context& context = Runtime::get().context();
  VkSurfaceCapabilitiesKHR caps;
  VK_CHECK(vkGetPhysicalDeviceSurfaceCapabilitiesKHR(context.physical_device(), window_.surface(),
                                                     &caps));
  auto [width, height] = window_.framebuffer_size();
  VkExtent2D extent = caps.currentExtent;
  if (extent.width == UINT32_MAX) {
    extent.width = std::clamp(static_cast<uint32_t>(std::max(width, 0)), caps.minImageExtent.width,
                              caps.maxImageExtent.width);
    extent.height = std::clamp(static_cast<uint32_t>(std::max(height, 0)),
                               caps.minImageExtent.height, caps.maxImageExtent.height);
  }
  if (extent.width == 0 || extent.height == 0) return false;  // minimised
  const VkImageUsageFlags usage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT |
                                  VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
  if ((caps.supportedUsageFlags & usage) != usage) {
    throw Error("the window's images cannot be copied to and from (transfer usage unsupported)");
  }
  vkDeviceWaitIdle(device_);
  for (Slot& slot : slots_)
    slot.pending = false;
  destroy_swapchain_images();

  VkSwapchainCreateInfoKHR info{VK_STRUCTURE_TYPE_SWAPCHAIN_CREATE_INFO_KHR};
  info.surface = window_.surface();
  info.minImageCount = std::max(caps.minImageCount, 2u);
  if (caps.maxImageCount != 0)
    info.minImageCount = std::min(info.minImageCount, caps.maxImageCount);
  info.imageFormat = format_.format;
  info.imageColorSpace = format_.colorSpace;
  info.imageExtent = extent;
  info.imageArrayLayers = 1;
  info.imageUsage = usage;
  info.imageSharingMode = VK_SHARING_MODE_EXCLUSIVE;
  info.preTransform = caps.currentTransform;
  info.compositeAlpha = (caps.supportedCompositeAlpha & VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR)
                            ? VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR
                            : static_cast<VkCompositeAlphaFlagBitsKHR>(
                                  caps.supportedCompositeAlpha & -caps.supportedCompositeAlpha);
  info.presentMode = VK_PRESENT_MODE_FIFO_KHR;  // always available; paces to the display
  info.clipped = VK_TRUE;
  info.oldSwapchain = swapchain_;
  VkSwapchainKHR created = VK_NULL_HANDLE;
  VK_CHECK(vkCreateSwapchainKHR(device_, &info, nullptr, &created));
  if (swapchain_) vkDestroySwapchainKHR(device_, swapchain_, nullptr);
  swapchain_ = created;
  extent_ = extent;
  min_images_ = info.minImageCount;

  uint32_t count = 0;
  VK_CHECK(vkGetSwapchainImagesKHR(device_, swapchain_, &count, nullptr));
  std::vector<VkImage> images(count);
  VK_CHECK(vkGetSwapchainImagesKHR(device_, swapchain_, &count, images.data()));
  for (VkImage handle : images) {
    Image image;
    image.image = handle;
    VkImageViewCreateInfo view{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
    view.image = handle;
    view.viewType = VK_IMAGE_VIEW_TYPE_2D;
    view.format = format_.format;
    view.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    VK_CHECK(vkCreateImageView(device_, &view, nullptr, &image.view));
    VkFramebufferCreateInfo framebuffer{VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO};
    framebuffer.renderPass = render_pass_;
    framebuffer.attachmentCount = 1;
    framebuffer.pAttachments = &image.view;
    framebuffer.width = extent.width;
    framebuffer.height = extent.height;
    framebuffer.layers = 1;
    VK_CHECK(vkCreateFramebuffer(device_, &framebuffer, nullptr, &image.framebuffer));
    VkSemaphoreCreateInfo semaphore{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
    VK_CHECK(vkCreateSemaphore(device_, &semaphore, nullptr, &image.rendered));
    if (separate_) VK_CHECK(vkCreateSemaphore(device_, &semaphore, nullptr, &image.presentable));
    images_.push_back(image);
  }
  return true;
}

void Presenter::wait(uint32_t slot_index) {
  Slot& slot = slots_[slot_index % kFramesInFlight];
  if (!slot.pending) return;
  VK_CHECK(vkWaitForFences(device_, 1, &slot.fence, VK_TRUE, UINT64_MAX));
  slot.pending = false;
}

bool Presenter::present(uint32_t slot_index, const std::vector<Placement>& images,
                        const std::function<void(VkCommandBuffer)>& draw_ui,
                        const std::filesystem::path* screenshot, StageClock* clock) {
  Slot& slot = slots_[slot_index % kFramesInFlight];
  wait(slot_index);
  auto [width, height] = window_.framebuffer_size();
  if (width == 0 || height == 0) {
    ++counters_.skipped;
    return false;
  }
  const bool resized = extent_.width != static_cast<uint32_t>(width) ||
                       extent_.height != static_cast<uint32_t>(height);
  if (images_.empty() || resized) {
    ++counters_.resized;
    if (!rebuild()) {
      ++counters_.skipped;
      return false;
    }
  }
  // Everything the engine recorded for this frame must be submitted before the copies that read
  // it: the copies are ordered after it by submission order and the barrier in record().
  Runtime::get().stream().flush();
  uint32_t index = 0;
  VkResult acquired =
      vkAcquireNextImageKHR(device_, swapchain_, UINT64_MAX, slot.acquired, VK_NULL_HANDLE, &index);
  if (acquired == VK_ERROR_OUT_OF_DATE_KHR) {
    ++counters_.out_of_date;
    ++counters_.skipped;
    rebuild();
    return false;
  }
  if (acquired != VK_SUBOPTIMAL_KHR) VK_CHECK(acquired);
  Image& image = images_[index];
  record(slot, image, images, draw_ui, screenshot != nullptr, clock, slot_index);

  const VkPipelineStageFlags wait_stage = VK_PIPELINE_STAGE_TRANSFER_BIT;
  VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  submit.waitSemaphoreCount = 1;
  submit.pWaitSemaphores = &slot.acquired;
  submit.pWaitDstStageMask = &wait_stage;
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &slot.commands;
  submit.signalSemaphoreCount = 1;
  submit.pSignalSemaphores = &image.rendered;
  VK_CHECK(vkResetFences(device_, 1, &slot.fence));
  VK_CHECK(vkQueueSubmit(Runtime::get().context().queue(), 1, &submit,
                         separate_ ? VK_NULL_HANDLE : slot.fence));
  if (separate_) submit_present(slot, image);
  slot.pending = true;

  VkPresentInfoKHR present{VK_STRUCTURE_TYPE_PRESENT_INFO_KHR};
  present.waitSemaphoreCount = 1;
  present.pWaitSemaphores = separate_ ? &image.presentable : &image.rendered;
  present.swapchainCount = 1;
  present.pSwapchains = &swapchain_;
  present.pImageIndices = &index;
  const VkResult shown = vkQueuePresentKHR(Runtime::get().context().present_queue(), &present);
  if (screenshot) {
    wait(slot_index);
    write_screenshot(*screenshot);
  }
  if (shown == VK_ERROR_OUT_OF_DATE_KHR || shown == VK_SUBOPTIMAL_KHR) {
    ++(shown == VK_SUBOPTIMAL_KHR ? counters_.suboptimal : counters_.out_of_date);
    rebuild();
  } else {
    VK_CHECK(shown);
  }
  return true;
}

// The present queue's submission: waits for the frame, takes the image over from the engine's
// queue family where it is another one (the acquire half of the transfer that record() releases),
// and signals the slot's fence, which so also covers the frame's own submission.
void Presenter::submit_present(Slot& slot, Image& image) {
  if (transfer_ownership_) {
    VK_CHECK(vkResetCommandBuffer(slot.handover, 0));
    VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    VK_CHECK(vkBeginCommandBuffer(slot.handover, &begin));
    VkImageMemoryBarrier acquire = image_barrier(image.image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                                                 VK_IMAGE_LAYOUT_PRESENT_SRC_KHR, 0, 0);
    const vk::Context& context = Runtime::get().context();
    acquire.srcQueueFamilyIndex = context.queue_family();
    acquire.dstQueueFamilyIndex = context.present_family();
    vkCmdPipelineBarrier(slot.handover, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT,
                         VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, 0, 0, nullptr, 0, nullptr, 1,
                         &acquire);
    VK_CHECK(vkEndCommandBuffer(slot.handover));
  }
  const VkPipelineStageFlags wait_stage = VK_PIPELINE_STAGE_ALL_COMMANDS_BIT;
  VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  submit.waitSemaphoreCount = 1;
  submit.pWaitSemaphores = &image.rendered;
  submit.pWaitDstStageMask = &wait_stage;
  submit.commandBufferCount = transfer_ownership_ ? 1 : 0;
  submit.pCommandBuffers = &slot.handover;
  submit.signalSemaphoreCount = 1;
  submit.pSignalSemaphores = &image.presentable;
  VK_CHECK(vkQueueSubmit(Runtime::get().context().present_queue(), 1, &submit, slot.fence));
}

void Presenter::record(Slot& slot, Image& image, const std::vector<Placement>& images,
                       const std::function<void(VkCommandBuffer)>& draw_ui, bool screenshot,
                       StageClock* clock, uint32_t slot_index) {
  VkCommandBuffer commands = slot.commands;
  VK_CHECK(vkResetCommandBuffer(commands, 0));
  VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  VK_CHECK(vkBeginCommandBuffer(commands, &begin));

  // The engine's conversion kernels wrote the pixels; the acquire semaphore was waited for at the
  // transfer stage, which is where the layout change must start.
  VkMemoryBarrier computed{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  computed.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  computed.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
  VkImageMemoryBarrier to_copy =
      image_barrier(image.image, VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 0,
                    VK_ACCESS_TRANSFER_WRITE_BIT);
  vkCmdPipelineBarrier(commands,
                       VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                       VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 1, &computed, 0, nullptr, 1, &to_copy);
  // The copies' time: after the engine's work (the barrier above), clearing the window included.
  if (clock) clock->mark_outside(commands, slot_index, false);
  const VkClearColorValue background{{0.09f, 0.09f, 0.1f, 1.0f}};
  const VkImageSubresourceRange range{VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
  vkCmdClearColorImage(commands, image.image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, &background, 1,
                       &range);
  VkImageMemoryBarrier cleared = image_barrier(
      image.image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
      VK_ACCESS_TRANSFER_WRITE_BIT, VK_ACCESS_TRANSFER_WRITE_BIT);
  vkCmdPipelineBarrier(commands, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0,
                       0, nullptr, 0, nullptr, 1, &cleared);

  const int fb_width = static_cast<int>(extent_.width),
            fb_height = static_cast<int>(extent_.height);
  // Windows may overlap (moved by the user, or kept on a small screen by ImGui): a copy onto
  // pixels an earlier copy wrote waits for it, so the later window's image ends on top.
  std::vector<VkRect2D> copied;
  for (const Placement& p : images) {
    if (!p.image || !p.image->pixels.defined()) continue;
    const int x0 = std::max({p.x, p.clip_x0, 0}), y0 = std::max({p.y, p.clip_y0, 0});
    const int x1 = std::min({p.x + p.image->width, p.clip_x1, fb_width});
    const int y1 = std::min({p.y + p.image->height, p.clip_y1, fb_height});
    if (x1 <= x0 || y1 <= y0) continue;
    const VkRect2D rect{{x0, y0}, {static_cast<uint32_t>(x1 - x0), static_cast<uint32_t>(y1 - y0)}};
    if (std::any_of(copied.begin(), copied.end(),
                    [&](const VkRect2D& r) { return overlap(r, rect); })) {
      vkCmdPipelineBarrier(commands, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
                           0, 0, nullptr, 0, nullptr, 1, &cleared);
      copied.clear();
    }
    copied.push_back(rect);
    const vk::Allocation& source = p.image->pixels.allocation();
    VkBufferImageCopy region{};
    region.bufferOffset =
        source.offset + static_cast<VkDeviceSize>((y0 - p.y) * p.image->width + (x0 - p.x)) * 4;
    region.bufferRowLength = static_cast<uint32_t>(p.image->width);
    region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    region.imageOffset = {x0, y0, 0};
    region.imageExtent = {static_cast<uint32_t>(x1 - x0), static_cast<uint32_t>(y1 - y0), 1};
    vkCmdCopyBufferToImage(commands, source.buffer, image.image,
                           VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &region);
  }
  if (clock) clock->mark_outside(commands, slot_index, true);

  VkRenderPassBeginInfo pass{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
  pass.renderPass = render_pass_;
  pass.framebuffer = image.framebuffer;
  pass.renderArea = {{0, 0}, extent_};
  vkCmdBeginRenderPass(commands, &pass, VK_SUBPASS_CONTENTS_INLINE);
  draw_ui(commands);
  vkCmdEndRenderPass(commands);

  if (screenshot) {
    ensure_readback(VkDeviceSize{extent_.width} * extent_.height * 4);
    VkBufferImageCopy region{};
    region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    region.imageExtent = {extent_.width, extent_.height, 1};
    vkCmdCopyImageToBuffer(commands, image.image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, readback_,
                           1, &region);
    VkMemoryBarrier to_host{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    to_host.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    to_host.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
    vkCmdPipelineBarrier(commands, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1,
                         &to_host, 0, nullptr, 0, nullptr);
  }
  // Presentation waits on a semaphore, which makes the image's contents visible to it; and the
  // next frame's conversion kernels must not overwrite the pixels before these copies read them.
  // With a present queue of another family, this is also the release half of the ownership
  // transfer (submit_present() acquires).
  VkImageMemoryBarrier to_present = image_barrier(image.image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                                                  VK_IMAGE_LAYOUT_PRESENT_SRC_KHR, 0, 0);
  if (transfer_ownership_) {
    to_present.srcQueueFamilyIndex = Runtime::get().context().queue_family();
    to_present.dstQueueFamilyIndex = Runtime::get().context().present_family();
  }
  vkCmdPipelineBarrier(commands, VK_PIPELINE_STAGE_TRANSFER_BIT,
                       VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT |
                           VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT,
                       0, 0, nullptr, 0, nullptr, 1, &to_present);
  VK_CHECK(vkEndCommandBuffer(commands));
}

void Presenter::ensure_readback(VkDeviceSize bytes) {
  if (readback_bytes_ >= bytes) return;
  if (readback_) vkDestroyBuffer(device_, readback_, nullptr);
  if (readback_memory_) vkFreeMemory(device_, readback_memory_, nullptr);
  VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  info.size = bytes;
  info.usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT;
  VK_CHECK(vkCreateBuffer(device_, &info, nullptr, &readback_));
  VkMemoryRequirements needs;
  vkGetBufferMemoryRequirements(device_, readback_, &needs);
  VkPhysicalDeviceMemoryProperties memory;
  vkGetPhysicalDeviceMemoryProperties(Runtime::get().context().physical_device(), &memory);
  const VkMemoryPropertyFlags wanted =
      VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  uint32_t type = UINT32_MAX;
  for (uint32_t i = 0; i < memory.memoryTypeCount && type == UINT32_MAX; ++i) {
    if ((needs.memoryTypeBits & (1u << i)) &&
        (memory.memoryTypes[i].propertyFlags & wanted) == wanted) {
      type = i;
    }
  }
  if (type == UINT32_MAX) throw Error("no host-visible memory for the screenshot");
  VkMemoryAllocateInfo allocate{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  allocate.allocationSize = needs.size;
  allocate.memoryTypeIndex = type;
  VK_CHECK(vkAllocateMemory(device_, &allocate, nullptr, &readback_memory_));
  VK_CHECK(vkBindBufferMemory(device_, readback_, readback_memory_, 0));
  VK_CHECK(vkMapMemory(device_, readback_memory_, 0, VK_WHOLE_SIZE, 0, &readback_mapped_));
  readback_bytes_ = bytes;
}

void Presenter::write_screenshot(const std::filesystem::path& path) {
  const int width = static_cast<int>(extent_.width), height = static_cast<int>(extent_.height);
  report::Canvas canvas(width, height, {});
  const auto* bytes = static_cast<const uint8_t*>(readback_mapped_);
  const bool bgra = order_ == PixelOrder::bgra;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const uint8_t* p = bytes + (static_cast<size_t>(y) * width + x) * 4;
      canvas.set(x, y, {bgra ? p[2] : p[0], p[1], bgra ? p[0] : p[2]});
    }
  }
  report::write_png(path, canvas);
}

}  // namespace aegan::viewer
