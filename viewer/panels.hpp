#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "nets/report/training_log.hpp"
#include "viewer/core/inference.hpp"
#include "viewer/core/player.hpp"
#include "viewer/core/sample_grid.hpp"
#include "viewer/presenter.hpp"

namespace aegan::viewer {

// Where the walk interpolates: between latent vectors z, or between their embeddings (AEGAN's
// G_E(z)) in a model with an embedding space.
enum class WalkSpace { z, embedding };

// What the panels show and what the user changed in them this frame.
struct PanelState {
  // shown
  std::string device;
  std::string model;    // preset and checkpoint
  std::string message;  // last reload error, saved file, ...
  double fps = 0;
  std::vector<double> stage_ms;  // per Inference::stages()
  double copy_ms = -1;           // the copies into the window (GPU only; < 0: not measured)
  bool gpu_timing = false;
  double frame_ms = 0;  // host time of a whole frame
  const report::LossLog* losses = nullptr;

  // edited
  WalkSettings walk;
  WalkSpace space = WalkSpace::z;
  bool paused = false;
  int zoom = 1;
  bool show_beside = true;
  bool show_embedding = true;
  bool embedding_normalise = false;
  int samples = 9;  // in the sample grid; 0 hides it
  bool recording = false;
  // one-frame requests
  int step = 0;
  bool reset = false;
  bool save_png = false;
};

// Draws the windows: controls and statistics, the generated image, the embedding's channels (of a
// model with an embedding space), the intermediate images beside the final one (AEGAN's x_hat
// beside phi(x_hat)), the sample grid, loss curves. Image windows have no background because
// their pixels are copied into the frame before the UI is drawn; `images` receives where each goes.
void draw_panels(PanelState& state, const Inference& inference, const SampleGrid& grid,
                 std::vector<Placement>& images);

}  // namespace aegan::viewer
