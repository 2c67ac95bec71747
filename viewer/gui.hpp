#pragma once
#include <vulkan/vulkan.h>

#include "viewer/presenter.hpp"
#include "viewer/window.hpp"

namespace aegan::viewer {

// Dear ImGui on the window, drawn by the GLFW and Vulkan backends that Debian's libimgui-dev
// builds into its library; this class only owns their setup (descriptor pool, font upload).
class Gui {
 public:
  Gui(Window& window, Presenter& presenter);
  ~Gui();
  Gui(const Gui&) = delete;
  Gui& operator=(const Gui&) = delete;

  void new_frame();
  // Finishes the frame's widgets; draw() then records them inside the presenter's render pass.
  void end_frame();
  void draw(VkCommandBuffer commands);

 private:
  VkDevice device_;
  VkDescriptorPool descriptors_ = VK_NULL_HANDLE;
};

}  // namespace aegan::viewer
