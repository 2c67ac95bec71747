#include "viewer/window.hpp"

#define GLFW_INCLUDE_VULKAN
#include <GLFW/glfw3.h>

#include <string>

#include "engine/error.hpp"

namespace aegan::viewer {
namespace {

// GLFW reports errors through a callback; keep the last one so failures can say why.
std::string& last_glfw_error() {
  static std::string error;
  return error;
}

void on_glfw_error(int, const char* description) {
  last_glfw_error() = description ? description : "unknown GLFW error";
}

}  // namespace

vk::PresentationOptions Window::window_presentation(bool separate_present) {
  glfwSetErrorCallback(on_glfw_error);
  if (!glfwInit()) {
    throw Error("cannot open a window (" + last_glfw_error() +
                "); set DISPLAY or run under xvfb-run");
  }
  if (!glfwVulkanSupported()) throw Error("GLFW finds no Vulkan loader for windows");
  uint32_t count = 0;
  const char** names = glfwGetRequiredInstanceExtensions(&count);
  vk::PresentationOptions options;
  for (uint32_t i = 0; i < count; ++i)
    options.instance_extensions.emplace_back(names[i]);
  options.can_present = [](VkInstance instance, VkPhysicalDevice physical, uint32_t family) {
    return glfwGetPhysicalDevicePresentationSupport(instance, physical, family) == GLFW_TRUE;
  };
  // Testing: the path of devices whose drawing queue cannot present, on any device.
  options.separate_present_queue = separate_present;
  return options;
}

Window::Window(int width, int height, const char* title, VkInstance instance)
    : instance_(instance) {
  glfwWindowHint(GLFW_CLIENT_API, GLFW_NO_API);
  window_ = glfwCreateWindow(width, height, title, nullptr, nullptr);
  if (!window_) throw Error("cannot create a window: " + last_glfw_error());
  if (glfwCreateWindowSurface(instance, window_, nullptr, &surface_) != VK_SUCCESS) {
    glfwDestroyWindow(window_);
    throw Error("cannot create a Vulkan surface for the window: " + last_glfw_error());
  }
}

Window::~Window() {
  vkDestroySurfaceKHR(instance_, surface_, nullptr);
  glfwDestroyWindow(window_);
}

bool Window::should_close() const {
  return glfwWindowShouldClose(window_);
}

std::pair<int, int> Window::framebuffer_size() const {
  if (glfwGetWindowAttrib(window_, GLFW_ICONIFIED) || !glfwGetWindowAttrib(window_, GLFW_VISIBLE)) {
    return {0, 0};
  }
  int width = 0, height = 0;
  glfwGetFramebufferSize(window_, &width, &height);
  return {width, height};
}

}  // namespace aegan::viewer
