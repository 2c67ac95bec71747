#pragma once
#include <vulkan/vulkan.h>

#include <utility>

#include "engine/vk/context.hpp"

struct GLFWwindow;

namespace aegan::viewer {

// A GLFW window and its Vulkan surface. GLFW is initialised first (window_presentation()) so that
// the engine's instance is created with the extensions the window system needs.
class Window {
 public:
  // Initialises GLFW; an aegan::Error when there is no display to open a window on.
  // `separate_present` asks for presentation from a queue of its own (a test switch:
  // Settings::separate_present).
  static vk::PresentationOptions window_presentation(bool separate_present);

  Window(int width, int height, const char* title, VkInstance instance);
  ~Window();
  Window(const Window&) = delete;
  Window& operator=(const Window&) = delete;

  GLFWwindow* handle() const { return window_; }
  VkSurfaceKHR surface() const { return surface_; }
  bool should_close() const;
  // In pixels; (0, 0) while minimised or hidden: nothing is drawn then. (X11 keeps the size of an
  // iconified window, and a window manager may keep presenting it off screen.)
  std::pair<int, int> framebuffer_size() const;

 private:
  VkInstance instance_;
  GLFWwindow* window_ = nullptr;
  VkSurfaceKHR surface_ = VK_NULL_HANDLE;
};

}  // namespace aegan::viewer
