#pragma once
#include <cstdint>

#include "engine/tensor.hpp"
#include "nets/model.hpp"
#include "viewer/core/display.hpp"

namespace aegan::viewer {

// N final images of Model::generate side by side, for the z that `aegan-vk sample --seed S
// --count N` draws from the model's prior: computed by the engine at batch N only when N, the seed
// or the model changed, and converted for display (in device memory) only when they or the pixel
// order did.
class SampleGrid {
 public:
  // Returns true when it recomputed the images. A count of 0 frees them.
  bool update(Model& model, uint64_t model_version, int count, uint64_t seed, PixelOrder order);

  int count() const { return count_; }
  const Tensor& images() const { return images_; }  // [N, 3, r, r]
  const DisplayImage& pixels() const { return pixels_; }
  // A tile per sample: native size up to 128 pixels, larger images shrunk by a whole factor.
  static TileLayout layout(int count, int image_size);

 private:
  Tensor images_;
  DisplayImage pixels_;
  int count_ = 0;
  uint64_t seed_ = 0;
  uint64_t model_version_ = 0;
  PixelOrder order_ = PixelOrder::rgba;
};

}  // namespace aegan::viewer
