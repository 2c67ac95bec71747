#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "nets/report/training_log.hpp"
#include "viewer/core/inference.hpp"
#include "viewer/core/player.hpp"
#include "viewer/presenter.hpp"

namespace aegan::viewer {

// What the panels show and what the user changed in them this frame.
struct PanelState {
  // shown
  std::string device;
  std::string model;    // preset and checkpoint
  std::string message;  // last reload error, saved file, ...
  double fps = 0;
  std::vector<double> stage_ms;  // per Inference::kStages
  bool gpu_timing = false;
  double frame_ms = 0;  // host time of a whole frame
  const report::LossLog* losses = nullptr;

  // edited
  WalkSettings walk;
  bool paused = false;
  int zoom = 1;
  bool show_x_hat = true;
  bool recording = false;
  // one-frame requests
  int step = 0;
  bool reset = false;
  bool save_png = false;
};

// Draws the windows: controls and statistics, the generated image, x_hat beside phi(x_hat), loss
// curves. Image windows have no background because their pixels are copied into the frame before
// the UI is drawn; `images` receives where each goes.
void draw_panels(PanelState& state, const Inference& inference, std::vector<Placement>& images);

}  // namespace aegan::viewer
