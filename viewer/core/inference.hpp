#pragma once
#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "nets/models/aegan/networks.hpp"
#include "viewer/core/display.hpp"
#include "viewer/core/embedding_walk.hpp"
#include "viewer/core/stage_clock.hpp"

namespace aegan::viewer {

// The model the viewer shows and where it came from.
struct ViewerModel {
  std::unique_ptr<Aegan> model;
  std::filesystem::path checkpoint;  // empty for freshly initialised weights
  int64_t step = -1;                 // the checkpoint's global_step, -1 when unknown
  std::filesystem::file_time_type modified{};
};

// Weights from a checkpoint or model file (eval mode), with the training step when recorded.
ViewerModel load_viewer_model(const std::filesystem::path& checkpoint);
// Weights as initialisation leaves them, for looking at the viewer before any training.
ViewerModel fresh_viewer_model(const Preset& preset, uint64_t seed);

struct DisplaySettings {
  int zoom = 1;  // of the generated image; x_hat is shown at the same zoom
  PixelOrder order = PixelOrder::rgba;
  bool x_hat = true;      // also convert x_hat for display
  bool embedding = true;  // also convert the embedding's channels, as a grid of grey tiles
  bool embedding_normalise = false;  // each channel's min .. max as black .. white (else [-1, 1])
};

// One frame of inference, phi(F(G_E(z))) for one z, recorded on the engine's stream without
// waiting, with every stage timed: the viewer's per-frame work and `bench view`'s measurement.
class Inference {
 public:
  // The first stage is the keyframes' blend when walking in embedding space.
  static constexpr std::array<const char*, 4> kStages{"G_E", "F", "phi", "convert"};

  explicit Inference(uint32_t slots);

  // Slot `slot` (of the constructor's count) keeps this frame's timestamps until read.
  void run(Aegan& model, std::span<const float> z, const DisplaySettings& settings, uint32_t slot);
  // The same from the walk's embedding at position t instead of G_E(z).
  void run(Aegan& model, const EmbeddingWalk& walk, double t, const DisplaySettings& settings,
           uint32_t slot);

  const Tensor& embedding() const { return embedding_; }
  const Tensor& x_hat() const { return x_hat_; }
  const Tensor& image() const { return image_; }
  const DisplayImage& image_pixels() const { return image_pixels_; }
  const DisplayImage& x_hat_pixels() const { return x_hat_pixels_; }
  const DisplayImage& embedding_pixels() const { return embedding_pixels_; }
  StageClock& clock() { return clock_; }
  // Tiles of an [ec, es, es] embedding: about 32 pixels each, about square overall.
  static TileLayout embedding_layout(int channels, int size, bool normalise);

 private:
  void decode(Aegan& model, const DisplaySettings& settings);

  StageClock clock_;
  Tensor z_;
  Tensor embedding_, x_hat_, image_;
  DisplayImage image_pixels_, x_hat_pixels_, embedding_pixels_;
};

}  // namespace aegan::viewer
