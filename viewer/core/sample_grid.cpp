#include "viewer/core/sample_grid.hpp"

#include <cmath>

#include "engine/error.hpp"
#include "nets/sampler.hpp"

namespace aegan::viewer {

TileLayout SampleGrid::layout(int count, int image_size) {
  TileLayout layout;
  layout.columns = std::max(1, static_cast<int>(std::ceil(std::sqrt(static_cast<double>(count)))));
  layout.gap = 2;
  layout.shrink = std::max(1, image_size / 128);
  return layout;
}

bool SampleGrid::update(Model& model, uint64_t model_version, int count, uint64_t seed,
                        PixelOrder order) {
  if (count < 0) throw Error("the sample grid needs a count of at least 0");
  const bool same = count == count_ && seed == seed_ && model_version == model_version_;
  if (same && (count == 0 || order == order_)) return false;
  count_ = count;
  seed_ = seed;
  model_version_ = model_version;
  order_ = order;
  if (count == 0) {
    images_ = Tensor();
    pixels_ = DisplayImage();
    return false;
  }
  if (!same) {
    const Tensor z = sample_z(count, model.latent_size(), seed, model.prior());
    images_ = generate(model, z, count).back().images;
  }
  to_display_tiles(images_, layout(count, model.image_size()), order, pixels_);
  return !same;
}

}  // namespace aegan::viewer
