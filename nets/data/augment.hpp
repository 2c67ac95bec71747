#pragma once
#include <cstdint>

// StackGAN-v2's data augmentation (docs/models/stackgan.md, "Data"): a random square crop of an
// image loaded a little larger than the model's size, mirrored left-right half the time.
namespace aegan::data {

// The image side to load for a model of side `side` whose training crops it: side * 76 / 64
// rounded down, as the official code resizes (152 for 128, 304 for 256, 608 for 512).
int crop_source_side(int side);

struct CropWindow {
  int x = 0, y = 0;  // top-left corner in the source image
  bool mirror = false;
};

// The window of `crop` x `crop` pixels in a `source` x `source` image for the image at `index`
// of epoch `epoch`: a function of (seed, epoch, index) alone, so that a resumed run crops as an
// uninterrupted one does. Offsets are uniform in [0, source - crop].
CropWindow random_crop(uint64_t seed, int64_t epoch, int64_t index, int source, int crop);

// Copies the window of a planar RGB image [3, source, source] to `out` [3, crop, crop],
// mirrored left-right where the window says so.
void cut(const float* image, int source, const CropWindow& window, int crop, float* out);

}  // namespace aegan::data
