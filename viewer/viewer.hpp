#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "engine/settings.hpp"
#include "nets/model_sizes.hpp"
#include "viewer/core/player.hpp"
#include "viewer/panels.hpp"

namespace aegan::viewer {

struct ViewerOptions {
  Settings settings;                 // the runtime's: device, validation, kernels, separate_present
  std::filesystem::path checkpoint;  // any model's; empty: fresh weights of `model` and `sizes`
  std::string model;
  ModelSizes sizes;
  uint64_t init_seed = 1;  // of the fresh weights
  WalkSettings walk;
  WalkSpace space = WalkSpace::z;
  bool paused = false;
  int zoom = 0;                      // 0: the largest that keeps the image near 256 pixels
  int samples = 9;                   // in the sample grid; 0 hides it
  bool embedding_normalise = false;  // grey of the embedding's channels: min .. max, not [-1, 1]
  int width = 1280, height = 800;
  int frames = 0;                    // 0: until the window is closed
  std::filesystem::path screenshot;  // written after the last of `frames`
  std::filesystem::path record_dir;  // "record frames" writes numbered PNGs here
  bool exercise_window = false;      // test: resize, minimise, hide and close (WindowExercise)
};

// Opens the window and plays the walk until it is closed (or `frames` have been shown). Starts
// the engine's runtime itself, with presentation support. Returns the number of validation errors
// (0 unless --validation found some).
uint64_t run_viewer(const ViewerOptions& options);

}  // namespace aegan::viewer
