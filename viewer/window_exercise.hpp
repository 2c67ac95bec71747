#pragma once
#include <cstdint>
#include <ostream>

#include "viewer/window.hpp"

namespace aegan::viewer {

// For the viewer's test (`aegan-vk view --exercise-window`): during the first frames, resizes the
// window several times (smaller than the panels too), iconifies and restores it, hides and shows
// it, then asks it to close while frames are still in flight, and writes what the window system
// made of each step. Without a window manager (Xvfb), iconifying does nothing; hiding unmaps the
// window for real, which takes the same zero-size path as a minimised window.
class WindowExercise {
 public:
  WindowExercise(Window& window, std::ostream& log);
  // Called at the start of every frame, also of frames skipped while minimised.
  void step(uint64_t frame);

 private:
  void report(uint64_t frame, const char* action);

  Window& window_;
  std::ostream& log_;
  int width_ = 0, height_ = 0;
};

}  // namespace aegan::viewer
