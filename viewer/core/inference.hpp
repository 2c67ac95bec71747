#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "nets/model.hpp"
#include "viewer/core/display.hpp"
#include "viewer/core/embedding_walk.hpp"
#include "viewer/core/stage_clock.hpp"

namespace aegan::viewer {

// The model the viewer shows and where it came from.
struct ViewerModel {
  std::unique_ptr<Model> model;
  std::filesystem::path checkpoint;  // empty for freshly initialised weights
  int64_t step = -1;                 // the checkpoint's global_step, -1 when unknown
  std::filesystem::file_time_type modified{};
};

// Any model's checkpoint or model file (eval mode), with the training step when recorded.
ViewerModel load_viewer_model(const std::filesystem::path& checkpoint);
// Weights as initialisation leaves them, for looking at the viewer before any training.
ViewerModel fresh_viewer_model(const std::string& model, const ModelSizes& sizes, uint64_t seed);

struct DisplaySettings {
  int zoom = 1;  // of the final image; the image beside it is shown at the same zoom
  PixelOrder order = PixelOrder::rgba;
  bool beside = true;     // also convert the intermediate images (AEGAN's x_hat), if any
  bool embedding = true;  // also convert the embedding's channels, as a grid of grey tiles
  bool embedding_normalise = false;  // each channel's min .. max as black .. white (else [-1, 1])
};

// One frame of inference, Model::generate for one z, recorded on the engine's stream without
// waiting, with every stage timed: the viewer's per-frame work and `bench view`'s measurement.
class Inference {
 public:
  // The stages a frame of `model` is timed in: each network on the way from z where the model
  // has an embedding space (AEGAN: G_E, F, phi; the first is the keyframes' blend when walking
  // in it), else generate() as one stage; then the conversion for display, "convert".
  static std::vector<std::string> stages_of(Model& model);

  // For frames of `model` and of models of the same kind.
  Inference(Model& model, uint32_t slots);

  // Slot `slot` (of the constructor's count) keeps this frame's timestamps until read.
  void run(Model& model, std::span<const float> z, const DisplaySettings& settings, uint32_t slot);
  // The same from the walk's embedding at position t instead of the embedding of z.
  void run(Model& model, const EmbeddingWalk& walk, double t, const DisplaySettings& settings,
           uint32_t slot);

  const std::vector<std::string>& stages() const { return stages_; }
  bool has_embedding_space() const { return embedded_; }
  // What generate() gave in the last frame: the intermediate images, then the final image.
  const std::vector<NamedImages>& images() const { return images_; }
  const Tensor& image() const { return images_.back().images; }
  // How image i of images() was made, in text: with an embedding space its networks in turn
  // ("phi(F(G_E(z)))", or "phi(F(embedding))" from a walk in it), else the image's label.
  std::string formula(size_t image) const;
  // Undefined for a model without an embedding space.
  const Tensor& embedding() const { return embedding_; }
  const DisplayImage& image_pixels() const { return image_pixels_; }
  // Each of images() before the final one, converted when DisplaySettings::beside.
  const std::vector<DisplayImage>& intermediate_pixels() const { return intermediate_pixels_; }
  const DisplayImage& embedding_pixels() const { return embedding_pixels_; }
  StageClock& clock() { return clock_; }
  // Tiles of an [ec, es, es] embedding: about 32 pixels each, about square overall.
  static TileLayout embedding_layout(int channels, int size, bool normalise);

 private:
  void decode(EmbeddingSpace& space);
  void convert(const DisplaySettings& settings);

  std::vector<std::string> stages_;
  bool embedded_;
  bool from_walk_ = false;
  StageClock clock_;
  Tensor z_;
  Tensor embedding_;
  std::vector<NamedImages> images_;
  DisplayImage image_pixels_, embedding_pixels_;
  std::vector<DisplayImage> intermediate_pixels_;
};

}  // namespace aegan::viewer
