#pragma once
#include <vulkan/vulkan.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "viewer/core/display.hpp"
#include "viewer/core/stage_clock.hpp"
#include "viewer/window.hpp"

namespace aegan::viewer {

// Where a DisplayImage goes in the window: its top-left corner in framebuffer pixels (may lie
// outside) and the rectangle it is clipped to (the panel showing it).
struct Placement {
  const DisplayImage* image = nullptr;
  // Of the panel and the title of its window, for a test to find it in a screenshot.
  std::string name;
  std::string window;
  int x = 0, y = 0;
  int clip_x0 = 0, clip_y0 = 0, clip_x1 = 0, clip_y1 = 0;
};

// The swapchain and the per-frame work of showing one frame, recorded on the engine's queue after
// the engine's own submissions: the generated images are copied from the engine's buffers straight
// into the swapchain image (GPU to GPU), then the UI is drawn over them by a render pass.
class Presenter {
 public:
  static constexpr uint32_t kFramesInFlight = 2;

  explicit Presenter(Window& window);
  ~Presenter();
  Presenter(const Presenter&) = delete;
  Presenter& operator=(const Presenter&) = delete;

  PixelOrder pixel_order() const { return order_; }
  VkRenderPass render_pass() const { return render_pass_; }
  uint32_t image_count() const { return static_cast<uint32_t>(images_.size()); }
  uint32_t min_image_count() const { return min_images_; }
  VkCommandPool command_pool() const { return pool_; }

  // Waits until frame slot `slot` is free again (its previous frame, and all work submitted before
  // it, has finished on the device).
  void wait(uint32_t slot);
  // Shows one frame from `slot`: copies `images`, runs `draw_ui` inside the render pass, presents.
  // With `screenshot` set, also writes the frame as PNG (waiting for it). With `clock` set, times
  // the copies as its interval outside the engine's stream. Returns false when the frame was
  // skipped (minimised window, swapchain rebuilt).
  bool present(uint32_t slot, const std::vector<Placement>& images,
               const std::function<void(VkCommandBuffer)>& draw_ui,
               const std::filesystem::path* screenshot, StageClock* clock = nullptr);

  // How often the swapchain was rebuilt and why, for tests and the report.
  struct Counters {
    uint64_t resized = 0;      // the window's size changed
    uint64_t out_of_date = 0;  // acquire or present said VK_ERROR_OUT_OF_DATE_KHR
    uint64_t suboptimal = 0;   // present said VK_SUBOPTIMAL_KHR
    uint64_t skipped = 0;      // frames not shown (zero-size window, out of date at acquire)
  };
  const Counters& counters() const { return counters_; }

 private:
  struct Slot {
    VkCommandBuffer commands = VK_NULL_HANDLE;
    VkCommandBuffer handover =
        VK_NULL_HANDLE;              // the present queue's half of the ownership transfer
    VkFence fence = VK_NULL_HANDLE;  // signalled by the frame's last submission
    VkSemaphore acquired = VK_NULL_HANDLE;
    bool pending = false;
  };
  struct Image {
    VkImage image = VK_NULL_HANDLE;
    VkImageView view = VK_NULL_HANDLE;
    VkFramebuffer framebuffer = VK_NULL_HANDLE;
    VkSemaphore rendered = VK_NULL_HANDLE;  // per image: presentation may still hold the last one
    VkSemaphore presentable = VK_NULL_HANDLE;  // separate present queue: its submission is done
  };

  bool rebuild();
  void destroy_swapchain_images();
  void submit_present(Slot& slot, Image& image);
  void record(Slot& slot, Image& image, const std::vector<Placement>& images,
              const std::function<void(VkCommandBuffer)>& draw_ui, bool screenshot,
              StageClock* clock, uint32_t slot_index);
  void write_screenshot(const std::filesystem::path& path);
  void ensure_readback(VkDeviceSize bytes);

  Window& window_;
  VkDevice device_;
  VkSurfaceFormatKHR format_{};
  PixelOrder order_ = PixelOrder::bgra;
  VkRenderPass render_pass_ = VK_NULL_HANDLE;
  VkSwapchainKHR swapchain_ = VK_NULL_HANDLE;
  VkExtent2D extent_{};
  uint32_t min_images_ = 2;
  std::vector<Image> images_;
  VkCommandPool pool_ = VK_NULL_HANDLE;
  // Presenting from another queue than the engine's (Context::separate_present()): a second
  // submission on that queue between the frame's and the presentation; with another queue family,
  // the swapchain image's ownership moves to it there.
  bool separate_ = false;
  bool transfer_ownership_ = false;
  VkCommandPool present_pool_ = VK_NULL_HANDLE;
  std::array<Slot, kFramesInFlight> slots_;
  VkBuffer readback_ = VK_NULL_HANDLE;
  VkDeviceMemory readback_memory_ = VK_NULL_HANDLE;
  VkDeviceSize readback_bytes_ = 0;
  void* readback_mapped_ = nullptr;
  Counters counters_;
};

}  // namespace aegan::viewer
