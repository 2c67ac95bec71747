#include "viewer/window_exercise.hpp"

#include <GLFW/glfw3.h>

namespace aegan::viewer {
namespace {

enum class Action { shrink, halve, tiny, iconify, restore, hide, show, grow, original, close };

struct Step {
  uint64_t frame;
  Action action;
  const char* name;
};

// A few frames apart, so that each change is drawn (or skipped) before the next.
constexpr Step kSteps[] = {
    {3, Action::shrink, "resize to 3/4"},
    {5, Action::halve, "resize to 1/2"},
    {7, Action::tiny, "resize to 160x120"},
    {9, Action::original, "resize back"},
    {11, Action::iconify, "iconify"},
    {14, Action::restore, "restore"},
    {16, Action::hide, "hide"},
    {19, Action::show, "show"},
    {21, Action::grow, "resize to 5/4"},
    {23, Action::original, "resize back"},
    {25, Action::close, "request close"},
};

}  // namespace

WindowExercise::WindowExercise(Window& window, std::ostream& log) : window_(window), log_(log) {
  glfwGetWindowSize(window.handle(), &width_, &height_);
}

void WindowExercise::report(uint64_t frame, const char* action) {
  GLFWwindow* handle = window_.handle();
  int width = 0, height = 0;
  glfwGetFramebufferSize(handle, &width, &height);
  const auto [drawn_width, drawn_height] = window_.framebuffer_size();
  log_ << "window test: frame " << frame << ": " << action << "; now framebuffer " << width << "x"
       << height << ", iconified " << glfwGetWindowAttrib(handle, GLFW_ICONIFIED) << ", visible "
       << glfwGetWindowAttrib(handle, GLFW_VISIBLE) << ", drawn at " << drawn_width << "x"
       << drawn_height << std::endl;
}

void WindowExercise::step(uint64_t frame) {
  GLFWwindow* handle = window_.handle();
  for (const Step& step : kSteps) {
    if (step.frame == frame + 1) report(frame, "before the next step");
    if (step.frame != frame) continue;
    switch (step.action) {
      case Action::shrink:
        glfwSetWindowSize(handle, width_ * 3 / 4, height_ * 3 / 4);
        break;
      case Action::halve:
        glfwSetWindowSize(handle, width_ / 2, height_ / 2);
        break;
      case Action::tiny:
        glfwSetWindowSize(handle, 160, 120);
        break;
      case Action::grow:
        glfwSetWindowSize(handle, width_ * 5 / 4, height_ * 5 / 4);
        break;
      case Action::original:
        glfwSetWindowSize(handle, width_, height_);
        break;
      case Action::iconify:
        glfwIconifyWindow(handle);
        break;
      case Action::restore:
        glfwRestoreWindow(handle);
        break;
      case Action::hide:
        glfwHideWindow(handle);
        break;
      case Action::show:
        glfwShowWindow(handle);
        break;
      case Action::close:
        glfwSetWindowShouldClose(handle, GLFW_TRUE);
        break;
    }
    // Let the window system answer before the frame looks at the window.
    glfwWaitEventsTimeout(0.05);
    report(frame, step.name);
  }
}

}  // namespace aegan::viewer
